"""M/M/c (lambda 9, mu 1, c 10) in SimPy, counting events as the Rust bench does:
one per arrival and one per departure. Prints events/s and the mean wait (theory 0.66873)."""
import random
import sys
import time

import simpy

LAM, MU, C = 9.0, 1.0, 10
horizon = float(sys.argv[1]) if len(sys.argv) > 1 else 20000.0
warmup = horizon / 100.0
rng = random.Random(1)
waits = []
events = [0]


def customer(env, server):
    arrived = env.now
    with server.request() as request:
        yield request
        if arrived >= warmup:
            waits.append(env.now - arrived)
        yield env.timeout(rng.expovariate(MU))
    events[0] += 1  # departure


def source(env, server):
    while True:
        yield env.timeout(rng.expovariate(LAM))
        events[0] += 1  # arrival
        env.process(customer(env, server))


env = simpy.Environment()
server = simpy.Resource(env, capacity=C)
env.process(source(env, server))
start = time.perf_counter()
cpu_start = time.thread_time()
env.run(until=horizon)
seconds = time.perf_counter() - start
cpu = time.thread_time() - cpu_start
print(f"simpy events={events[0]} seconds={seconds:.3f} events_per_second={events[0] / seconds:.0f} "
      f"events_per_cpu_second={events[0] / cpu:.0f} "
      f"mean_wait={sum(waits) / len(waits):.5f} (theory 0.66873)")
