"""The server side of the app: per-session state and locks, the classroom's
sharing of the machine, and the machine's memory tunings."""
