import Synchronization

/// A non-blocking try-lock, so a second thread calling the same function never waits for the first.
final class NSLockish: @unchecked Sendable {
    private let flag = Atomic<Bool>(false)
    func tryLock() -> Bool { flag.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged }
    func unlock() { flag.store(false, ordering: .releasing) }
}
