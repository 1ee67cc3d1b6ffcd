// Every layer below: arrays and their kernels.
@_exported import TheanoArrays
