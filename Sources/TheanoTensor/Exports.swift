// The layer below: the graph, its rewriting machinery and configuration.
@_exported import TheanoGraph
