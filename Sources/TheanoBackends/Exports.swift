// The layer below: the ops and their rewrites.
@_exported import TheanoTensor
