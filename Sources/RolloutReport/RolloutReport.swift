// Placeholder until RolloutReport lands.
