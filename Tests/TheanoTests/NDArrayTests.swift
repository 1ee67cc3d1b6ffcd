import Testing
@testable import Theano
