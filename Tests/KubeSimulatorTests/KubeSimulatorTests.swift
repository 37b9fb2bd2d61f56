// Placeholder until KubeSimulatorTests lands.
