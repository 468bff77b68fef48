"""Architecture studies on top of the physics and the engine: SBI constellation sizing, sensor-layer coverage,
closed-form leakage, Monte Carlo battle statistics, lifecycle cost (:mod:`goldendome.analysis.cost`), deployment
schedules, partner cost sharing, cost-effectiveness, and one architecture study answered whole."""
