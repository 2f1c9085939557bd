"""M/M/c (lambda 9, mu 1, c 10) in Ciw; events = arrivals + departures, as in the Rust bench.
Prints events/s and the mean wait (theory 0.66873)."""
import sys
import time

import ciw

horizon = float(sys.argv[1]) if len(sys.argv) > 1 else 5000.0
warmup = horizon / 100.0
network = ciw.create_network(
    arrival_distributions=[ciw.dists.Exponential(rate=9.0)],
    service_distributions=[ciw.dists.Exponential(rate=1.0)],
    number_of_servers=[10],
)
ciw.seed(1)
simulation = ciw.Simulation(network)
start = time.perf_counter()
cpu_start = time.thread_time()
simulation.simulate_until_max_time(horizon)
seconds = time.perf_counter() - start
cpu = time.thread_time() - cpu_start
records = simulation.get_all_records()
served = len(records)
arrivals = served + sum(len(node.all_individuals) for node in simulation.transitive_nodes)
events = arrivals + served
waits = [r.waiting_time for r in records if r.arrival_date >= warmup]
print(f"ciw events={events} seconds={seconds:.3f} events_per_second={events / seconds:.0f} "
      f"events_per_cpu_second={events / cpu:.0f} "
      f"mean_wait={sum(waits) / len(waits):.5f} (theory 0.66873)")
