// The typed constructors of Theano (`dscalar` … `ztensor4`) and their plural forms, one per line.

private let scalarPattern: [Bool] = []
/// A symbolic int8 scalar (0 dimensions): Theano's `T.bscalar`.
public func bscalar(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int8, scalarPattern), name: name) }
/// A symbolic int8 vector (1 dimension): Theano's `T.bvector`.
public func bvector(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int8, [false]), name: name) }
/// A symbolic int8 matrix (2 dimensions): Theano's `T.bmatrix`.
public func bmatrix(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int8, [false, false]), name: name) }
/// A symbolic int8 row (a 1×n matrix whose first dimension broadcasts): Theano's `T.brow`.
public func brow(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int8, [true, false]), name: name) }
/// A symbolic int8 column (an n×1 matrix whose second dimension broadcasts): Theano's `T.bcol`.
public func bcol(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int8, [false, true]), name: name) }
/// A symbolic int8 tensor of 3 dimensions: Theano's `T.btensor3`.
public func btensor3(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int8, [Bool](repeating: false, count: 3)), name: name) }
/// A symbolic int8 tensor of 4 dimensions: Theano's `T.btensor4`.
public func btensor4(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int8, [Bool](repeating: false, count: 4)), name: name) }
/// A symbolic int8 tensor of 5 dimensions: Theano's `T.btensor5`.
public func btensor5(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int8, [Bool](repeating: false, count: 5)), name: name) }
/// A symbolic int8 tensor of 6 dimensions: Theano's `T.btensor6`.
public func btensor6(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int8, [Bool](repeating: false, count: 6)), name: name) }
/// A symbolic int8 tensor of 7 dimensions: Theano's `T.btensor7`.
public func btensor7(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int8, [Bool](repeating: false, count: 7)), name: name) }
/// A symbolic int16 scalar (0 dimensions): Theano's `T.wscalar`.
public func wscalar(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int16, scalarPattern), name: name) }
/// A symbolic int16 vector (1 dimension): Theano's `T.wvector`.
public func wvector(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int16, [false]), name: name) }
/// A symbolic int16 matrix (2 dimensions): Theano's `T.wmatrix`.
public func wmatrix(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int16, [false, false]), name: name) }
/// A symbolic int16 row (a 1×n matrix whose first dimension broadcasts): Theano's `T.wrow`.
public func wrow(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int16, [true, false]), name: name) }
/// A symbolic int16 column (an n×1 matrix whose second dimension broadcasts): Theano's `T.wcol`.
public func wcol(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int16, [false, true]), name: name) }
/// A symbolic int16 tensor of 3 dimensions: Theano's `T.wtensor3`.
public func wtensor3(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int16, [Bool](repeating: false, count: 3)), name: name) }
/// A symbolic int16 tensor of 4 dimensions: Theano's `T.wtensor4`.
public func wtensor4(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int16, [Bool](repeating: false, count: 4)), name: name) }
/// A symbolic int16 tensor of 5 dimensions: Theano's `T.wtensor5`.
public func wtensor5(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int16, [Bool](repeating: false, count: 5)), name: name) }
/// A symbolic int16 tensor of 6 dimensions: Theano's `T.wtensor6`.
public func wtensor6(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int16, [Bool](repeating: false, count: 6)), name: name) }
/// A symbolic int16 tensor of 7 dimensions: Theano's `T.wtensor7`.
public func wtensor7(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int16, [Bool](repeating: false, count: 7)), name: name) }
/// A symbolic int32 scalar (0 dimensions): Theano's `T.iscalar`.
public func iscalar(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int32, scalarPattern), name: name) }
/// A symbolic int32 vector (1 dimension): Theano's `T.ivector`.
public func ivector(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int32, [false]), name: name) }
/// A symbolic int32 matrix (2 dimensions): Theano's `T.imatrix`.
public func imatrix(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int32, [false, false]), name: name) }
/// A symbolic int32 row (a 1×n matrix whose first dimension broadcasts): Theano's `T.irow`.
public func irow(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int32, [true, false]), name: name) }
/// A symbolic int32 column (an n×1 matrix whose second dimension broadcasts): Theano's `T.icol`.
public func icol(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int32, [false, true]), name: name) }
/// A symbolic int32 tensor of 3 dimensions: Theano's `T.itensor3`.
public func itensor3(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int32, [Bool](repeating: false, count: 3)), name: name) }
/// A symbolic int32 tensor of 4 dimensions: Theano's `T.itensor4`.
public func itensor4(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int32, [Bool](repeating: false, count: 4)), name: name) }
/// A symbolic int32 tensor of 5 dimensions: Theano's `T.itensor5`.
public func itensor5(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int32, [Bool](repeating: false, count: 5)), name: name) }
/// A symbolic int32 tensor of 6 dimensions: Theano's `T.itensor6`.
public func itensor6(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int32, [Bool](repeating: false, count: 6)), name: name) }
/// A symbolic int32 tensor of 7 dimensions: Theano's `T.itensor7`.
public func itensor7(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int32, [Bool](repeating: false, count: 7)), name: name) }
/// A symbolic int64 scalar (0 dimensions): Theano's `T.lscalar`.
public func lscalar(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int64, scalarPattern), name: name) }
/// A symbolic int64 vector (1 dimension): Theano's `T.lvector`.
public func lvector(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int64, [false]), name: name) }
/// A symbolic int64 matrix (2 dimensions): Theano's `T.lmatrix`.
public func lmatrix(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int64, [false, false]), name: name) }
/// A symbolic int64 row (a 1×n matrix whose first dimension broadcasts): Theano's `T.lrow`.
public func lrow(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int64, [true, false]), name: name) }
/// A symbolic int64 column (an n×1 matrix whose second dimension broadcasts): Theano's `T.lcol`.
public func lcol(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int64, [false, true]), name: name) }
/// A symbolic int64 tensor of 3 dimensions: Theano's `T.ltensor3`.
public func ltensor3(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int64, [Bool](repeating: false, count: 3)), name: name) }
/// A symbolic int64 tensor of 4 dimensions: Theano's `T.ltensor4`.
public func ltensor4(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int64, [Bool](repeating: false, count: 4)), name: name) }
/// A symbolic int64 tensor of 5 dimensions: Theano's `T.ltensor5`.
public func ltensor5(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int64, [Bool](repeating: false, count: 5)), name: name) }
/// A symbolic int64 tensor of 6 dimensions: Theano's `T.ltensor6`.
public func ltensor6(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int64, [Bool](repeating: false, count: 6)), name: name) }
/// A symbolic int64 tensor of 7 dimensions: Theano's `T.ltensor7`.
public func ltensor7(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.int64, [Bool](repeating: false, count: 7)), name: name) }
/// A symbolic float32 scalar (0 dimensions): Theano's `T.fscalar`.
public func fscalar(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.float32, scalarPattern), name: name) }
/// A symbolic float32 vector (1 dimension): Theano's `T.fvector`.
public func fvector(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.float32, [false]), name: name) }
/// A symbolic float32 matrix (2 dimensions): Theano's `T.fmatrix`.
public func fmatrix(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.float32, [false, false]), name: name) }
/// A symbolic float32 row (a 1×n matrix whose first dimension broadcasts): Theano's `T.frow`.
public func frow(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.float32, [true, false]), name: name) }
/// A symbolic float32 column (an n×1 matrix whose second dimension broadcasts): Theano's `T.fcol`.
public func fcol(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.float32, [false, true]), name: name) }
/// A symbolic float32 tensor of 3 dimensions: Theano's `T.ftensor3`.
public func ftensor3(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.float32, [Bool](repeating: false, count: 3)), name: name) }
/// A symbolic float32 tensor of 4 dimensions: Theano's `T.ftensor4`.
public func ftensor4(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.float32, [Bool](repeating: false, count: 4)), name: name) }
/// A symbolic float32 tensor of 5 dimensions: Theano's `T.ftensor5`.
public func ftensor5(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.float32, [Bool](repeating: false, count: 5)), name: name) }
/// A symbolic float32 tensor of 6 dimensions: Theano's `T.ftensor6`.
public func ftensor6(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.float32, [Bool](repeating: false, count: 6)), name: name) }
/// A symbolic float32 tensor of 7 dimensions: Theano's `T.ftensor7`.
public func ftensor7(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.float32, [Bool](repeating: false, count: 7)), name: name) }
/// A symbolic float64 scalar (0 dimensions): Theano's `T.dscalar`.
public func dscalar(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.float64, scalarPattern), name: name) }
/// A symbolic float64 vector (1 dimension): Theano's `T.dvector`.
public func dvector(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.float64, [false]), name: name) }
/// A symbolic float64 matrix (2 dimensions): Theano's `T.dmatrix`.
public func dmatrix(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.float64, [false, false]), name: name) }
/// A symbolic float64 row (a 1×n matrix whose first dimension broadcasts): Theano's `T.drow`.
public func drow(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.float64, [true, false]), name: name) }
/// A symbolic float64 column (an n×1 matrix whose second dimension broadcasts): Theano's `T.dcol`.
public func dcol(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.float64, [false, true]), name: name) }
/// A symbolic float64 tensor of 3 dimensions: Theano's `T.dtensor3`.
public func dtensor3(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.float64, [Bool](repeating: false, count: 3)), name: name) }
/// A symbolic float64 tensor of 4 dimensions: Theano's `T.dtensor4`.
public func dtensor4(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.float64, [Bool](repeating: false, count: 4)), name: name) }
/// A symbolic float64 tensor of 5 dimensions: Theano's `T.dtensor5`.
public func dtensor5(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.float64, [Bool](repeating: false, count: 5)), name: name) }
/// A symbolic float64 tensor of 6 dimensions: Theano's `T.dtensor6`.
public func dtensor6(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.float64, [Bool](repeating: false, count: 6)), name: name) }
/// A symbolic float64 tensor of 7 dimensions: Theano's `T.dtensor7`.
public func dtensor7(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.float64, [Bool](repeating: false, count: 7)), name: name) }
/// A symbolic complex64 scalar (0 dimensions): Theano's `T.cscalar`.
public func cscalar(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.complex64, scalarPattern), name: name) }
/// A symbolic complex64 vector (1 dimension): Theano's `T.cvector`.
public func cvector(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.complex64, [false]), name: name) }
/// A symbolic complex64 matrix (2 dimensions): Theano's `T.cmatrix`.
public func cmatrix(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.complex64, [false, false]), name: name) }
/// A symbolic complex64 row (a 1×n matrix whose first dimension broadcasts): Theano's `T.crow`.
public func crow(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.complex64, [true, false]), name: name) }
/// A symbolic complex64 column (an n×1 matrix whose second dimension broadcasts): Theano's `T.ccol`.
public func ccol(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.complex64, [false, true]), name: name) }
/// A symbolic complex64 tensor of 3 dimensions: Theano's `T.ctensor3`.
public func ctensor3(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.complex64, [Bool](repeating: false, count: 3)), name: name) }
/// A symbolic complex64 tensor of 4 dimensions: Theano's `T.ctensor4`.
public func ctensor4(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.complex64, [Bool](repeating: false, count: 4)), name: name) }
/// A symbolic complex64 tensor of 5 dimensions: Theano's `T.ctensor5`.
public func ctensor5(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.complex64, [Bool](repeating: false, count: 5)), name: name) }
/// A symbolic complex64 tensor of 6 dimensions: Theano's `T.ctensor6`.
public func ctensor6(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.complex64, [Bool](repeating: false, count: 6)), name: name) }
/// A symbolic complex64 tensor of 7 dimensions: Theano's `T.ctensor7`.
public func ctensor7(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.complex64, [Bool](repeating: false, count: 7)), name: name) }
/// A symbolic complex128 scalar (0 dimensions): Theano's `T.zscalar`.
public func zscalar(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.complex128, scalarPattern), name: name) }
/// A symbolic complex128 vector (1 dimension): Theano's `T.zvector`.
public func zvector(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.complex128, [false]), name: name) }
/// A symbolic complex128 matrix (2 dimensions): Theano's `T.zmatrix`.
public func zmatrix(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.complex128, [false, false]), name: name) }
/// A symbolic complex128 row (a 1×n matrix whose first dimension broadcasts): Theano's `T.zrow`.
public func zrow(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.complex128, [true, false]), name: name) }
/// A symbolic complex128 column (an n×1 matrix whose second dimension broadcasts): Theano's `T.zcol`.
public func zcol(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.complex128, [false, true]), name: name) }
/// A symbolic complex128 tensor of 3 dimensions: Theano's `T.ztensor3`.
public func ztensor3(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.complex128, [Bool](repeating: false, count: 3)), name: name) }
/// A symbolic complex128 tensor of 4 dimensions: Theano's `T.ztensor4`.
public func ztensor4(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.complex128, [Bool](repeating: false, count: 4)), name: name) }
/// A symbolic complex128 tensor of 5 dimensions: Theano's `T.ztensor5`.
public func ztensor5(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.complex128, [Bool](repeating: false, count: 5)), name: name) }
/// A symbolic complex128 tensor of 6 dimensions: Theano's `T.ztensor6`.
public func ztensor6(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.complex128, [Bool](repeating: false, count: 6)), name: name) }
/// A symbolic complex128 tensor of 7 dimensions: Theano's `T.ztensor7`.
public func ztensor7(_ name: String? = nil) -> TensorVariable { TensorVariable(type: TensorType(.complex128, [Bool](repeating: false, count: 7)), name: name) }

/// One `scalar` per name: Theano's `T.scalars`.
public func scalars(_ names: String...) -> [TensorVariable] { names.map { scalar($0) } }
/// `count` unnamed `scalar` variables.
public func scalars(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in scalar() } }
/// One `vector` per name: Theano's `T.vectors`.
public func vectors(_ names: String...) -> [TensorVariable] { names.map { vector($0) } }
/// `count` unnamed `vector` variables.
public func vectors(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in vector() } }
/// One `matrix` per name: Theano's `T.matrices`.
public func matrices(_ names: String...) -> [TensorVariable] { names.map { matrix($0) } }
/// `count` unnamed `matrix` variables.
public func matrices(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in matrix() } }
/// One `row` per name: Theano's `T.rows`.
public func rows(_ names: String...) -> [TensorVariable] { names.map { row($0) } }
/// `count` unnamed `row` variables.
public func rows(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in row() } }
/// One `col` per name: Theano's `T.cols`.
public func cols(_ names: String...) -> [TensorVariable] { names.map { col($0) } }
/// `count` unnamed `col` variables.
public func cols(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in col() } }
/// One `tensor3` per name: Theano's `T.tensor3s`.
public func tensor3s(_ names: String...) -> [TensorVariable] { names.map { tensor3($0) } }
/// `count` unnamed `tensor3` variables.
public func tensor3s(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in tensor3() } }
/// One `tensor4` per name: Theano's `T.tensor4s`.
public func tensor4s(_ names: String...) -> [TensorVariable] { names.map { tensor4($0) } }
/// `count` unnamed `tensor4` variables.
public func tensor4s(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in tensor4() } }
/// One `tensor5` per name: Theano's `T.tensor5s`.
public func tensor5s(_ names: String...) -> [TensorVariable] { names.map { tensor5($0) } }
/// `count` unnamed `tensor5` variables.
public func tensor5s(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in tensor5() } }
/// One `tensor6` per name: Theano's `T.tensor6s`.
public func tensor6s(_ names: String...) -> [TensorVariable] { names.map { tensor6($0) } }
/// `count` unnamed `tensor6` variables.
public func tensor6s(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in tensor6() } }
/// One `tensor7` per name: Theano's `T.tensor7s`.
public func tensor7s(_ names: String...) -> [TensorVariable] { names.map { tensor7($0) } }
/// `count` unnamed `tensor7` variables.
public func tensor7s(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in tensor7() } }
/// One `fscalar` per name: Theano's `T.fscalars`.
public func fscalars(_ names: String...) -> [TensorVariable] { names.map { fscalar($0) } }
/// `count` unnamed `fscalar` variables.
public func fscalars(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in fscalar() } }
/// One `fvector` per name: Theano's `T.fvectors`.
public func fvectors(_ names: String...) -> [TensorVariable] { names.map { fvector($0) } }
/// `count` unnamed `fvector` variables.
public func fvectors(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in fvector() } }
/// One `fmatrix` per name: Theano's `T.fmatrices`.
public func fmatrices(_ names: String...) -> [TensorVariable] { names.map { fmatrix($0) } }
/// `count` unnamed `fmatrix` variables.
public func fmatrices(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in fmatrix() } }
/// One `frow` per name: Theano's `T.frows`.
public func frows(_ names: String...) -> [TensorVariable] { names.map { frow($0) } }
/// `count` unnamed `frow` variables.
public func frows(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in frow() } }
/// One `fcol` per name: Theano's `T.fcols`.
public func fcols(_ names: String...) -> [TensorVariable] { names.map { fcol($0) } }
/// `count` unnamed `fcol` variables.
public func fcols(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in fcol() } }
/// One `ftensor3` per name: Theano's `T.ftensor3s`.
public func ftensor3s(_ names: String...) -> [TensorVariable] { names.map { ftensor3($0) } }
/// `count` unnamed `ftensor3` variables.
public func ftensor3s(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in ftensor3() } }
/// One `ftensor4` per name: Theano's `T.ftensor4s`.
public func ftensor4s(_ names: String...) -> [TensorVariable] { names.map { ftensor4($0) } }
/// `count` unnamed `ftensor4` variables.
public func ftensor4s(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in ftensor4() } }
/// One `ftensor5` per name: Theano's `T.ftensor5s`.
public func ftensor5s(_ names: String...) -> [TensorVariable] { names.map { ftensor5($0) } }
/// `count` unnamed `ftensor5` variables.
public func ftensor5s(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in ftensor5() } }
/// One `ftensor6` per name: Theano's `T.ftensor6s`.
public func ftensor6s(_ names: String...) -> [TensorVariable] { names.map { ftensor6($0) } }
/// `count` unnamed `ftensor6` variables.
public func ftensor6s(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in ftensor6() } }
/// One `ftensor7` per name: Theano's `T.ftensor7s`.
public func ftensor7s(_ names: String...) -> [TensorVariable] { names.map { ftensor7($0) } }
/// `count` unnamed `ftensor7` variables.
public func ftensor7s(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in ftensor7() } }
/// One `dscalar` per name: Theano's `T.dscalars`.
public func dscalars(_ names: String...) -> [TensorVariable] { names.map { dscalar($0) } }
/// `count` unnamed `dscalar` variables.
public func dscalars(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in dscalar() } }
/// One `dvector` per name: Theano's `T.dvectors`.
public func dvectors(_ names: String...) -> [TensorVariable] { names.map { dvector($0) } }
/// `count` unnamed `dvector` variables.
public func dvectors(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in dvector() } }
/// One `dmatrix` per name: Theano's `T.dmatrices`.
public func dmatrices(_ names: String...) -> [TensorVariable] { names.map { dmatrix($0) } }
/// `count` unnamed `dmatrix` variables.
public func dmatrices(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in dmatrix() } }
/// One `drow` per name: Theano's `T.drows`.
public func drows(_ names: String...) -> [TensorVariable] { names.map { drow($0) } }
/// `count` unnamed `drow` variables.
public func drows(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in drow() } }
/// One `dcol` per name: Theano's `T.dcols`.
public func dcols(_ names: String...) -> [TensorVariable] { names.map { dcol($0) } }
/// `count` unnamed `dcol` variables.
public func dcols(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in dcol() } }
/// One `dtensor3` per name: Theano's `T.dtensor3s`.
public func dtensor3s(_ names: String...) -> [TensorVariable] { names.map { dtensor3($0) } }
/// `count` unnamed `dtensor3` variables.
public func dtensor3s(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in dtensor3() } }
/// One `dtensor4` per name: Theano's `T.dtensor4s`.
public func dtensor4s(_ names: String...) -> [TensorVariable] { names.map { dtensor4($0) } }
/// `count` unnamed `dtensor4` variables.
public func dtensor4s(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in dtensor4() } }
/// One `dtensor5` per name: Theano's `T.dtensor5s`.
public func dtensor5s(_ names: String...) -> [TensorVariable] { names.map { dtensor5($0) } }
/// `count` unnamed `dtensor5` variables.
public func dtensor5s(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in dtensor5() } }
/// One `dtensor6` per name: Theano's `T.dtensor6s`.
public func dtensor6s(_ names: String...) -> [TensorVariable] { names.map { dtensor6($0) } }
/// `count` unnamed `dtensor6` variables.
public func dtensor6s(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in dtensor6() } }
/// One `dtensor7` per name: Theano's `T.dtensor7s`.
public func dtensor7s(_ names: String...) -> [TensorVariable] { names.map { dtensor7($0) } }
/// `count` unnamed `dtensor7` variables.
public func dtensor7s(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in dtensor7() } }
/// One `iscalar` per name: Theano's `T.iscalars`.
public func iscalars(_ names: String...) -> [TensorVariable] { names.map { iscalar($0) } }
/// `count` unnamed `iscalar` variables.
public func iscalars(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in iscalar() } }
/// One `ivector` per name: Theano's `T.ivectors`.
public func ivectors(_ names: String...) -> [TensorVariable] { names.map { ivector($0) } }
/// `count` unnamed `ivector` variables.
public func ivectors(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in ivector() } }
/// One `imatrix` per name: Theano's `T.imatrices`.
public func imatrices(_ names: String...) -> [TensorVariable] { names.map { imatrix($0) } }
/// `count` unnamed `imatrix` variables.
public func imatrices(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in imatrix() } }
/// One `irow` per name: Theano's `T.irows`.
public func irows(_ names: String...) -> [TensorVariable] { names.map { irow($0) } }
/// `count` unnamed `irow` variables.
public func irows(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in irow() } }
/// One `icol` per name: Theano's `T.icols`.
public func icols(_ names: String...) -> [TensorVariable] { names.map { icol($0) } }
/// `count` unnamed `icol` variables.
public func icols(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in icol() } }
/// One `itensor3` per name: Theano's `T.itensor3s`.
public func itensor3s(_ names: String...) -> [TensorVariable] { names.map { itensor3($0) } }
/// `count` unnamed `itensor3` variables.
public func itensor3s(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in itensor3() } }
/// One `itensor4` per name: Theano's `T.itensor4s`.
public func itensor4s(_ names: String...) -> [TensorVariable] { names.map { itensor4($0) } }
/// `count` unnamed `itensor4` variables.
public func itensor4s(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in itensor4() } }
/// One `itensor5` per name: Theano's `T.itensor5s`.
public func itensor5s(_ names: String...) -> [TensorVariable] { names.map { itensor5($0) } }
/// `count` unnamed `itensor5` variables.
public func itensor5s(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in itensor5() } }
/// One `itensor6` per name: Theano's `T.itensor6s`.
public func itensor6s(_ names: String...) -> [TensorVariable] { names.map { itensor6($0) } }
/// `count` unnamed `itensor6` variables.
public func itensor6s(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in itensor6() } }
/// One `itensor7` per name: Theano's `T.itensor7s`.
public func itensor7s(_ names: String...) -> [TensorVariable] { names.map { itensor7($0) } }
/// `count` unnamed `itensor7` variables.
public func itensor7s(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in itensor7() } }
/// One `lscalar` per name: Theano's `T.lscalars`.
public func lscalars(_ names: String...) -> [TensorVariable] { names.map { lscalar($0) } }
/// `count` unnamed `lscalar` variables.
public func lscalars(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in lscalar() } }
/// One `lvector` per name: Theano's `T.lvectors`.
public func lvectors(_ names: String...) -> [TensorVariable] { names.map { lvector($0) } }
/// `count` unnamed `lvector` variables.
public func lvectors(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in lvector() } }
/// One `lmatrix` per name: Theano's `T.lmatrices`.
public func lmatrices(_ names: String...) -> [TensorVariable] { names.map { lmatrix($0) } }
/// `count` unnamed `lmatrix` variables.
public func lmatrices(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in lmatrix() } }
/// One `lrow` per name: Theano's `T.lrows`.
public func lrows(_ names: String...) -> [TensorVariable] { names.map { lrow($0) } }
/// `count` unnamed `lrow` variables.
public func lrows(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in lrow() } }
/// One `lcol` per name: Theano's `T.lcols`.
public func lcols(_ names: String...) -> [TensorVariable] { names.map { lcol($0) } }
/// `count` unnamed `lcol` variables.
public func lcols(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in lcol() } }
/// One `ltensor3` per name: Theano's `T.ltensor3s`.
public func ltensor3s(_ names: String...) -> [TensorVariable] { names.map { ltensor3($0) } }
/// `count` unnamed `ltensor3` variables.
public func ltensor3s(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in ltensor3() } }
/// One `ltensor4` per name: Theano's `T.ltensor4s`.
public func ltensor4s(_ names: String...) -> [TensorVariable] { names.map { ltensor4($0) } }
/// `count` unnamed `ltensor4` variables.
public func ltensor4s(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in ltensor4() } }
/// One `ltensor5` per name: Theano's `T.ltensor5s`.
public func ltensor5s(_ names: String...) -> [TensorVariable] { names.map { ltensor5($0) } }
/// `count` unnamed `ltensor5` variables.
public func ltensor5s(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in ltensor5() } }
/// One `ltensor6` per name: Theano's `T.ltensor6s`.
public func ltensor6s(_ names: String...) -> [TensorVariable] { names.map { ltensor6($0) } }
/// `count` unnamed `ltensor6` variables.
public func ltensor6s(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in ltensor6() } }
/// One `ltensor7` per name: Theano's `T.ltensor7s`.
public func ltensor7s(_ names: String...) -> [TensorVariable] { names.map { ltensor7($0) } }
/// `count` unnamed `ltensor7` variables.
public func ltensor7s(_ count: Int) -> [TensorVariable] { (0..<count).map { _ in ltensor7() } }
