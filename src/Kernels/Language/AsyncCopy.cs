using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace Kernels.Language;

/// <summary>
/// Asynchronous global → shared copies (<c>cp.async</c>, sm_80+): issue copies, <see cref="Commit"/> them as a
/// group, then <see cref="WaitAll"/> (or <see cref="WaitAllButOne"/> when double buffering) before a barrier
/// and reading the shared tile. The destination is dynamic shared memory (<c>SharedMemory.GetDynamic</c>),
/// whose PTX symbol ILGPU names <c>__dyn_shared_alloca</c>: that is how the CUDA body addresses it. On the CPU
/// the copy happens at once and commit/wait do nothing, which is one legal schedule of the same program.
/// </summary>
public static class AsyncCopy
{
    /// <summary>dynamicShared[sharedIndex..+4) = src[srcIndex..+4): 16 bytes, both indices multiples of 4.</summary>
    public static void Copy16(ArrayView<uint> dynamicShared, int sharedIndex, GlobalView<uint> src, int srcIndex)
    {
        if (Accelerator.CurrentType == AcceleratorType.Cuda)
        {
            var (low, high) = src.AddressOf(srcIndex);
            CudaAsm.Emit(
                "{ .reg .b64 ga; .reg .u32 sa; mov.b64 ga, {%1,%2}; mov.u32 sa, __dyn_shared_alloca; add.u32 sa, sa, %0; cp.async.cg.shared.global [sa], [ga], 16; }",
                sharedIndex * 4, low, high);
            return;
        }
        var view = src.View;
        for (var i = 0; i < 4; i++)
        {
            dynamicShared[sharedIndex + i] = view[srcIndex + i];
        }
    }

    /// <summary>Closes the copies issued so far into one group (cp.async.commit_group).</summary>
    public static void Commit()
    {
        if (Accelerator.CurrentType == AcceleratorType.Cuda)
        {
            CudaAsm.Emit("cp.async.commit_group;");
        }
    }

    /// <summary>Waits for every committed group of this thread (cp.async.wait_all); a barrier must follow before other threads read.</summary>
    public static void WaitAll()
    {
        if (Accelerator.CurrentType == AcceleratorType.Cuda)
        {
            CudaAsm.Emit("cp.async.wait_all;");
        }
    }

    /// <summary>Waits until at most the newest committed group is pending (cp.async.wait_group 1).</summary>
    public static void WaitAllButOne()
    {
        if (Accelerator.CurrentType == AcceleratorType.Cuda)
        {
            CudaAsm.Emit("cp.async.wait_group 1;");
        }
    }
}
