// Placeholder until KubeClient lands.
