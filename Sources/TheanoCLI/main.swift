import Theano
print("a")
let x = dscalar("x"), y = dscalar("y")
print("b")
let z = x + y
print("c", z.type)
let f = try function([x, y], z)
print("d")
print(try f(1.5, 2.5))
