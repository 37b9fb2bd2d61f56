// Placeholder until RolloutCoordinator lands.
