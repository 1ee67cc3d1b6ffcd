// The typed constructors of Theano (`dscalar` … `ztensor4`) and their plural forms, one per line.

private let scalarPattern: [Bool] = []
public func bscalar(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int8, scalarPattern), name: name) }
public func bvector(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int8, [false]), name: name) }
public func bmatrix(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int8, [false, false]), name: name) }
public func brow(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int8, [true, false]), name: name) }
public func bcol(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int8, [false, true]), name: name) }
public func btensor3(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int8, [Bool](repeating: false, count: 3)), name: name) }
public func btensor4(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int8, [Bool](repeating: false, count: 4)), name: name) }
public func btensor5(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int8, [Bool](repeating: false, count: 5)), name: name) }
public func btensor6(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int8, [Bool](repeating: false, count: 6)), name: name) }
public func btensor7(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int8, [Bool](repeating: false, count: 7)), name: name) }
public func wscalar(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int16, scalarPattern), name: name) }
public func wvector(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int16, [false]), name: name) }
public func wmatrix(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int16, [false, false]), name: name) }
public func wrow(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int16, [true, false]), name: name) }
public func wcol(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int16, [false, true]), name: name) }
public func wtensor3(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int16, [Bool](repeating: false, count: 3)), name: name) }
public func wtensor4(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int16, [Bool](repeating: false, count: 4)), name: name) }
public func wtensor5(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int16, [Bool](repeating: false, count: 5)), name: name) }
public func wtensor6(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int16, [Bool](repeating: false, count: 6)), name: name) }
public func wtensor7(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int16, [Bool](repeating: false, count: 7)), name: name) }
public func iscalar(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int32, scalarPattern), name: name) }
public func ivector(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int32, [false]), name: name) }
public func imatrix(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int32, [false, false]), name: name) }
public func irow(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int32, [true, false]), name: name) }
public func icol(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int32, [false, true]), name: name) }
public func itensor3(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int32, [Bool](repeating: false, count: 3)), name: name) }
public func itensor4(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int32, [Bool](repeating: false, count: 4)), name: name) }
public func itensor5(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int32, [Bool](repeating: false, count: 5)), name: name) }
public func itensor6(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int32, [Bool](repeating: false, count: 6)), name: name) }
public func itensor7(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int32, [Bool](repeating: false, count: 7)), name: name) }
public func lscalar(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int64, scalarPattern), name: name) }
public func lvector(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int64, [false]), name: name) }
public func lmatrix(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int64, [false, false]), name: name) }
public func lrow(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int64, [true, false]), name: name) }
public func lcol(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int64, [false, true]), name: name) }
public func ltensor3(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int64, [Bool](repeating: false, count: 3)), name: name) }
public func ltensor4(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int64, [Bool](repeating: false, count: 4)), name: name) }
public func ltensor5(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int64, [Bool](repeating: false, count: 5)), name: name) }
public func ltensor6(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int64, [Bool](repeating: false, count: 6)), name: name) }
public func ltensor7(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int64, [Bool](repeating: false, count: 7)), name: name) }
public func fscalar(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.float32, scalarPattern), name: name) }
public func fvector(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.float32, [false]), name: name) }
public func fmatrix(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.float32, [false, false]), name: name) }
public func frow(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.float32, [true, false]), name: name) }
public func fcol(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.float32, [false, true]), name: name) }
public func ftensor3(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.float32, [Bool](repeating: false, count: 3)), name: name) }
public func ftensor4(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.float32, [Bool](repeating: false, count: 4)), name: name) }
public func ftensor5(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.float32, [Bool](repeating: false, count: 5)), name: name) }
public func ftensor6(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.float32, [Bool](repeating: false, count: 6)), name: name) }
public func ftensor7(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.float32, [Bool](repeating: false, count: 7)), name: name) }
public func dscalar(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.float64, scalarPattern), name: name) }
public func dvector(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.float64, [false]), name: name) }
public func dmatrix(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.float64, [false, false]), name: name) }
public func drow(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.float64, [true, false]), name: name) }
public func dcol(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.float64, [false, true]), name: name) }
public func dtensor3(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.float64, [Bool](repeating: false, count: 3)), name: name) }
public func dtensor4(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.float64, [Bool](repeating: false, count: 4)), name: name) }
public func dtensor5(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.float64, [Bool](repeating: false, count: 5)), name: name) }
public func dtensor6(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.float64, [Bool](repeating: false, count: 6)), name: name) }
public func dtensor7(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.float64, [Bool](repeating: false, count: 7)), name: name) }
public func cscalar(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.complex64, scalarPattern), name: name) }
public func cvector(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.complex64, [false]), name: name) }
public func cmatrix(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.complex64, [false, false]), name: name) }
public func crow(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.complex64, [true, false]), name: name) }
public func ccol(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.complex64, [false, true]), name: name) }
public func ctensor3(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.complex64, [Bool](repeating: false, count: 3)), name: name) }
public func ctensor4(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.complex64, [Bool](repeating: false, count: 4)), name: name) }
public func ctensor5(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.complex64, [Bool](repeating: false, count: 5)), name: name) }
public func ctensor6(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.complex64, [Bool](repeating: false, count: 6)), name: name) }
public func ctensor7(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.complex64, [Bool](repeating: false, count: 7)), name: name) }
public func zscalar(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.complex128, scalarPattern), name: name) }
public func zvector(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.complex128, [false]), name: name) }
public func zmatrix(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.complex128, [false, false]), name: name) }
public func zrow(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.complex128, [true, false]), name: name) }
public func zcol(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.complex128, [false, true]), name: name) }
public func ztensor3(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.complex128, [Bool](repeating: false, count: 3)), name: name) }
public func ztensor4(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.complex128, [Bool](repeating: false, count: 4)), name: name) }
public func ztensor5(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.complex128, [Bool](repeating: false, count: 5)), name: name) }
public func ztensor6(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.complex128, [Bool](repeating: false, count: 6)), name: name) }
public func ztensor7(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.complex128, [Bool](repeating: false, count: 7)), name: name) }

public func scalars(_ names: String...) -> [TensorVariable] { names.map { scalar($0) } }
public func scalars(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in scalar() } }
public func vectors(_ names: String...) -> [TensorVariable] { names.map { vector($0) } }
public func vectors(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in vector() } }
public func matrices(_ names: String...) -> [TensorVariable] { names.map { matrix($0) } }
public func matrices(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in matrix() } }
public func rows(_ names: String...) -> [TensorVariable] { names.map { row($0) } }
public func rows(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in row() } }
public func cols(_ names: String...) -> [TensorVariable] { names.map { col($0) } }
public func cols(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in col() } }
public func tensor3s(_ names: String...) -> [TensorVariable] { names.map { tensor3($0) } }
public func tensor3s(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in tensor3() } }
public func tensor4s(_ names: String...) -> [TensorVariable] { names.map { tensor4($0) } }
public func tensor4s(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in tensor4() } }
public func tensor5s(_ names: String...) -> [TensorVariable] { names.map { tensor5($0) } }
public func tensor5s(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in tensor5() } }
public func tensor6s(_ names: String...) -> [TensorVariable] { names.map { tensor6($0) } }
public func tensor6s(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in tensor6() } }
public func tensor7s(_ names: String...) -> [TensorVariable] { names.map { tensor7($0) } }
public func tensor7s(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in tensor7() } }
public func fscalars(_ names: String...) -> [TensorVariable] { names.map { fscalar($0) } }
public func fscalars(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in fscalar() } }
public func fvectors(_ names: String...) -> [TensorVariable] { names.map { fvector($0) } }
public func fvectors(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in fvector() } }
public func fmatrices(_ names: String...) -> [TensorVariable] { names.map { fmatrix($0) } }
public func fmatrices(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in fmatrix() } }
public func frows(_ names: String...) -> [TensorVariable] { names.map { frow($0) } }
public func frows(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in frow() } }
public func fcols(_ names: String...) -> [TensorVariable] { names.map { fcol($0) } }
public func fcols(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in fcol() } }
public func ftensor3s(_ names: String...) -> [TensorVariable] { names.map { ftensor3($0) } }
public func ftensor3s(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in ftensor3() } }
public func ftensor4s(_ names: String...) -> [TensorVariable] { names.map { ftensor4($0) } }
public func ftensor4s(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in ftensor4() } }
public func ftensor5s(_ names: String...) -> [TensorVariable] { names.map { ftensor5($0) } }
public func ftensor5s(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in ftensor5() } }
public func ftensor6s(_ names: String...) -> [TensorVariable] { names.map { ftensor6($0) } }
public func ftensor6s(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in ftensor6() } }
public func ftensor7s(_ names: String...) -> [TensorVariable] { names.map { ftensor7($0) } }
public func ftensor7s(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in ftensor7() } }
public func dscalars(_ names: String...) -> [TensorVariable] { names.map { dscalar($0) } }
public func dscalars(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in dscalar() } }
public func dvectors(_ names: String...) -> [TensorVariable] { names.map { dvector($0) } }
public func dvectors(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in dvector() } }
public func dmatrices(_ names: String...) -> [TensorVariable] { names.map { dmatrix($0) } }
public func dmatrices(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in dmatrix() } }
public func drows(_ names: String...) -> [TensorVariable] { names.map { drow($0) } }
public func drows(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in drow() } }
public func dcols(_ names: String...) -> [TensorVariable] { names.map { dcol($0) } }
public func dcols(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in dcol() } }
public func dtensor3s(_ names: String...) -> [TensorVariable] { names.map { dtensor3($0) } }
public func dtensor3s(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in dtensor3() } }
public func dtensor4s(_ names: String...) -> [TensorVariable] { names.map { dtensor4($0) } }
public func dtensor4s(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in dtensor4() } }
public func dtensor5s(_ names: String...) -> [TensorVariable] { names.map { dtensor5($0) } }
public func dtensor5s(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in dtensor5() } }
public func dtensor6s(_ names: String...) -> [TensorVariable] { names.map { dtensor6($0) } }
public func dtensor6s(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in dtensor6() } }
public func dtensor7s(_ names: String...) -> [TensorVariable] { names.map { dtensor7($0) } }
public func dtensor7s(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in dtensor7() } }
public func iscalars(_ names: String...) -> [TensorVariable] { names.map { iscalar($0) } }
public func iscalars(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in iscalar() } }
public func ivectors(_ names: String...) -> [TensorVariable] { names.map { ivector($0) } }
public func ivectors(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in ivector() } }
public func imatrices(_ names: String...) -> [TensorVariable] { names.map { imatrix($0) } }
public func imatrices(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in imatrix() } }
public func irows(_ names: String...) -> [TensorVariable] { names.map { irow($0) } }
public func irows(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in irow() } }
public func icols(_ names: String...) -> [TensorVariable] { names.map { icol($0) } }
public func icols(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in icol() } }
public func itensor3s(_ names: String...) -> [TensorVariable] { names.map { itensor3($0) } }
public func itensor3s(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in itensor3() } }
public func itensor4s(_ names: String...) -> [TensorVariable] { names.map { itensor4($0) } }
public func itensor4s(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in itensor4() } }
public func itensor5s(_ names: String...) -> [TensorVariable] { names.map { itensor5($0) } }
public func itensor5s(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in itensor5() } }
public func itensor6s(_ names: String...) -> [TensorVariable] { names.map { itensor6($0) } }
public func itensor6s(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in itensor6() } }
public func itensor7s(_ names: String...) -> [TensorVariable] { names.map { itensor7($0) } }
public func itensor7s(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in itensor7() } }
public func lscalars(_ names: String...) -> [TensorVariable] { names.map { lscalar($0) } }
public func lscalars(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in lscalar() } }
public func lvectors(_ names: String...) -> [TensorVariable] { names.map { lvector($0) } }
public func lvectors(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in lvector() } }
public func lmatrices(_ names: String...) -> [TensorVariable] { names.map { lmatrix($0) } }
public func lmatrices(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in lmatrix() } }
public func lrows(_ names: String...) -> [TensorVariable] { names.map { lrow($0) } }
public func lrows(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in lrow() } }
public func lcols(_ names: String...) -> [TensorVariable] { names.map { lcol($0) } }
public func lcols(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in lcol() } }
public func ltensor3s(_ names: String...) -> [TensorVariable] { names.map { ltensor3($0) } }
public func ltensor3s(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in ltensor3() } }
public func ltensor4s(_ names: String...) -> [TensorVariable] { names.map { ltensor4($0) } }
public func ltensor4s(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in ltensor4() } }
public func ltensor5s(_ names: String...) -> [TensorVariable] { names.map { ltensor5($0) } }
public func ltensor5s(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in ltensor5() } }
public func ltensor6s(_ names: String...) -> [TensorVariable] { names.map { ltensor6($0) } }
public func ltensor6s(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in ltensor6() } }
public func ltensor7s(_ names: String...) -> [TensorVariable] { names.map { ltensor7($0) } }
public func ltensor7s(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in ltensor7() } }
