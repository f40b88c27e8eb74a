// The CUDA emulator's fault injection (emulated_driver.cpp's hearthEmulatorFaultAfter and
// hearthEmulatorRepair): for tests of what a GPU fault does, which only the emulator causes on
// demand. A real driver has neither, and the handle is then empty.
#pragma once

#include <dlfcn.h>

namespace hearth::test {

class EmulatedFaults {
  public:
    // Opens the driver library the backend loads (keeping it, and the emulator's state, loaded
    // while this lives).
    EmulatedFaults() : driver_(dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL)) {
        if (!driver_) return;
        fault_after_ =
            reinterpret_cast<void (*)(unsigned)>(dlsym(driver_, "hearthEmulatorFaultAfter"));
        repair_ = reinterpret_cast<void (*)()>(dlsym(driver_, "hearthEmulatorRepair"));
    }
    EmulatedFaults(const EmulatedFaults&) = delete;
    EmulatedFaults& operator=(const EmulatedFaults&) = delete;
    // Repairs what a test broke, so that a failed check cannot break the tests after it.
    ~EmulatedFaults() {
        if (*this) repair();
        if (driver_) dlclose(driver_);
    }

    explicit operator bool() const { return fault_after_ && repair_; }
    // The kernel after the next `kernels` faults, breaking the context for every later call.
    void fault_after(unsigned kernels) const { fault_after_(kernels); }
    // The context works again (no GPU can do this: the tests after a fault need it).
    void repair() const { repair_(); }

  private:
    void* driver_;
    void (*fault_after_)(unsigned) = nullptr;
    void (*repair_)() = nullptr;
};

} // namespace hearth::test
