"""The three-replica quorum model of bench/sim_engine.sh, written in SimPy.

Three replicas each fail after an exponential time (mean 1000 h) and are repaired after an
exponential time (mean 10 h), with unlimited repair crews; the group is up while at least
two replicas are up. Replications of 100 years each run until about EVENTS model events
(failures plus repairs, the events Strata's engine counts for the same model) have been
processed. Prints `simpy_three_replicas EVENTS SECONDS EVENTS_PER_SECOND` and the
availability found (for a sanity check against 3a^2 - 2a^3, a = 1000/1010).

    python3 bench/simpy_replicas.py [EVENTS]
"""

import random
import sys
import time

import simpy

MTBF_H = 1000.0
MTTR_H = 10.0
REPLICAS = 3
QUORUM = 2
HORIZON_H = 100 * 365 * 24.0


class Group:
    """Counts replicas up and accumulates downtime of the quorum."""

    def __init__(self, env):
        self.env = env
        self.up = REPLICAS
        self.down_since = None
        self.downtime = 0.0
        self.events = 0

    def fail(self):
        self.events += 1
        self.up -= 1
        if self.up < QUORUM and self.down_since is None:
            self.down_since = self.env.now

    def repair(self):
        self.events += 1
        self.up += 1
        if self.up >= QUORUM and self.down_since is not None:
            self.downtime += self.env.now - self.down_since
            self.down_since = None

    def finish(self):
        if self.down_since is not None:
            self.downtime += HORIZON_H - self.down_since


def replica(env, group, rng):
    while True:
        yield env.timeout(rng.expovariate(1.0 / MTBF_H))
        group.fail()
        yield env.timeout(rng.expovariate(1.0 / MTTR_H))
        group.repair()


def replication(seed):
    rng = random.Random(seed)
    env = simpy.Environment()
    group = Group(env)
    for _ in range(REPLICAS):
        env.process(replica(env, group, rng))
    env.run(until=HORIZON_H)
    group.finish()
    return group.events, group.downtime


def main():
    target = int(sys.argv[1]) if len(sys.argv) > 1 else 2_000_000
    events = 0
    downtime = 0.0
    replications = 0
    start = time.perf_counter()
    while events < target:
        e, d = replication(replications)
        events += e
        downtime += d
        replications += 1
    seconds = time.perf_counter() - start
    print(f"simpy_three_replicas {events} {seconds:.3f} {events / seconds:.0f}")
    availability = 1.0 - downtime / (replications * HORIZON_H)
    print(f"simpy_availability {availability:.9f} over {replications} replications")


if __name__ == "__main__":
    main()
