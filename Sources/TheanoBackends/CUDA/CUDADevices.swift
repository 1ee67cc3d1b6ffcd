/// What the CUDA driver reports about the machine's GPUs, for `theano info`. Not yet run on a GPU: on
/// machines without the driver it reports why.
package enum CUDADevices {
    private typealias InitFunction = @convention(c) (UInt32) -> Int32
    private typealias IntFunction = @convention(c) (UnsafeMutablePointer<Int32>) -> Int32
    private typealias DeviceFunction = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32
    private typealias NameFunction = @convention(c) (UnsafeMutablePointer<CChar>, Int32, Int32) -> Int32
    private typealias AttributeFunction = @convention(c) (UnsafeMutablePointer<Int32>, Int32, Int32) -> Int32

    /// The driver API's compute-capability attributes.
    private static let computeCapabilityMajor: Int32 = 75, computeCapabilityMinor: Int32 = 76

    /// One line per GPU (`cuda0: NVIDIA H200, compute capability 9.0`), or why there is none.
    package static var summary: String {
        let driver = CUDALibraries.driver
        guard driver.handle != nil else { return driver.status }
        func function<F>(_ name: String, _: F.Type) -> F? { driver.symbol(name).map { unsafeBitCast($0, to: F.self) } }
        guard let initialize = function("cuInit", InitFunction.self), let version = function("cuDriverGetVersion", IntFunction.self),
              let count = function("cuDeviceGetCount", IntFunction.self), let device = function("cuDeviceGet", DeviceFunction.self),
              let name = function("cuDeviceGetName", NameFunction.self), let attribute = function("cuDeviceGetAttribute", AttributeFunction.self) else {
            return "\(driver.status) lacks the driver API entry points (cuInit, cuDeviceGet …)"
        }
        let status = initialize(0)
        guard status == 0 else { return "\(driver.status): cuInit failed with CUDA error \(status) (no usable GPU, or the driver and the kernel module disagree)" }
        var driverVersion: Int32 = 0, devices: Int32 = 0
        _ = version(&driverVersion)
        guard count(&devices) == 0, devices > 0 else { return "\(driver.status), driver \(driverVersion / 1000).\(driverVersion % 1000 / 10): no GPU" }
        let lines = (0..<devices).map { index -> String in
            var handle: Int32 = 0, major: Int32 = 0, minor: Int32 = 0
            var buffer = [CChar](repeating: 0, count: 256)
            guard device(&handle, index) == 0, name(&buffer, 256, handle) == 0 else { return "cuda\(index): not readable" }
            _ = attribute(&major, computeCapabilityMajor, handle)
            _ = attribute(&minor, computeCapabilityMinor, handle)
            return "cuda\(index): \(String(decoding: buffer.prefix { $0 != 0 }.map(UInt8.init(bitPattern:)), as: UTF8.self)), compute capability \(major).\(minor)"
        }
        return "driver \(driverVersion / 1000).\(driverVersion % 1000 / 10) (\(driver.status)); " + lines.joined(separator: "; ")
    }
}
