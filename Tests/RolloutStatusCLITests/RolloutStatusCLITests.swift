// Placeholder until RolloutStatusCLITests lands.
