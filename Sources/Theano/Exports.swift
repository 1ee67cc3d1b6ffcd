// `import Theano` gives users every layer below it.
@_exported import TheanoCompile
