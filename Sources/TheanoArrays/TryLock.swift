import Synchronization

/// A non-blocking try-lock, so a second thread calling the same function never waits for the first.
package final class TryLock: @unchecked Sendable {
    package init() {}
    private let flag = Atomic<Bool>(false)
    package func tryLock() -> Bool { flag.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged }
    package func unlock() { flag.store(false, ordering: .releasing) }
}
