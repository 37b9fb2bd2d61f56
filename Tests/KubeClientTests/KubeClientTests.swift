// Placeholder until KubeClientTests lands.
