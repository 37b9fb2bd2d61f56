// Placeholder until RolloutCoordinatorTests lands.
