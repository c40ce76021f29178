"""Background processing, a layer beside the web app that calls the domain and imports no web
code: `setup` chooses the broker from the caller's settings and declares the actors and the
sweeper on it; `main` is the worker processes' entry point (`dramatiq workers.main`)."""
