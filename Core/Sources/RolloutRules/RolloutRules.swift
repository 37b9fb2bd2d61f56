// Placeholder until the rules land (issue 4).
