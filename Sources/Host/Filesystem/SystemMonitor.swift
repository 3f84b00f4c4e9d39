import CLinux
import Glibc

// The threads of the parallel tree walk: pthread_create(3) and pthread_join(3), and the lock
// and condition variable they share.

/// pthread_create(3) of a thread running `body` once; nil (with the errno) when none can be made.
internal func system_pthread_create(_ body: @escaping @Sendable () -> Void) -> Result<pthread_t, HostError> {
    final class Box: @unchecked Sendable {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
    let box = Unmanaged.passRetained(Box(body)).toOpaque()
    var thread = pthread_t()
    let result = pthread_create(&thread, nil, { argument in
        let box = Unmanaged<Box>.fromOpaque(argument!).takeRetainedValue()
        box.body()
        return nil
    }, box)
    if result != 0 {
        Unmanaged<Box>.fromOpaque(box).release()
        return .failure(HostError(errno: result))
    }
    return .success(thread)
}

/// pthread_join(3).
internal func system_pthread_join(_ thread: pthread_t) {
    _ = pthread_join(thread, nil)
}

/// A mutex and a condition variable (pthread_mutex_t, pthread_cond_t), allocated once and
/// never moved, as pthreads require.
internal final class SystemMonitor: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
        condition.deallocate()
    }

    /// pthread_mutex_lock(3) and pthread_mutex_unlock(3) around `body`.
    @inline(__always)
    func locked<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body()
    }

    /// pthread_cond_wait(3); only with the lock held.
    func wait() { pthread_cond_wait(condition, mutex) }
    /// pthread_cond_signal(3).
    func signal() { pthread_cond_signal(condition) }
    /// pthread_cond_broadcast(3).
    func broadcast() { pthread_cond_broadcast(condition) }
}
