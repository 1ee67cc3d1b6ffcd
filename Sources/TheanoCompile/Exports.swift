// The layer below: the backends.
@_exported import TheanoBackends
