namespace Kernels;

/// <summary>Where a <see cref="KernelContext"/> runs kernels.</summary>
public enum KernelDevice
{
    /// <summary>The first CUDA device when one is present (sm_80 or newer), else the CPU accelerator.</summary>
    Auto,

    /// <summary>ILGPU's CPU accelerator: a functional simulator of the GPU's threads, groups and warps.</summary>
    Cpu,

    /// <summary>The first CUDA device; creating the context fails when there is none.</summary>
    Cuda,
}
