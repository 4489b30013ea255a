"""The queue model in pure Python: ticket states, numbering, call-next policy, estimates.

errors       DomainError and its tree (InvalidTransition, ServiceUnavailable, ...)
model        frozen branch definitions (ServiceDef, CounterDef, BranchConfig) and Candidate
transitions  Action, next_state() and the named state sets
numbering    business_day(), next_numbers() (skips numbers still open today)
policy       CallPolicy protocol, WeightedPolicy and the Choice with its reasons
estimate     ewma() of service times, estimate_wait_s() (one queue), estimate_shared_wait_s()
ticket/queue BranchQueue: the in-memory reference engine the property test drives

Nothing here does I/O or reads the clock: times are passed in, timezone-aware.
"""
