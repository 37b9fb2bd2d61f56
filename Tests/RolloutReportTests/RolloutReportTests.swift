// Placeholder until RolloutReportTests lands.
