namespace Engine.Generation;

/// <summary>Where an <see cref="LlmEngine"/> runs the forward pass (<c>--device</c>).</summary>
public enum EngineDevice
{
    /// <summary>The CUDA backend when a CUDA device of sm_80 or newer is present, else the CPU backend.</summary>
    Auto,

    /// <summary>The CPU backend (SIMD kernels on worker threads).</summary>
    Cpu,

    /// <summary>The CUDA backend on the first CUDA device; building the engine fails when there is none.</summary>
    Cuda,

    /// <summary>
    /// The CUDA backend's kernels on ILGPU's CPU accelerator (a functional simulator of the GPU): the GPU code path
    /// end to end on any machine, for CI and for checking the kernels; slow, not for serving.
    /// </summary>
    Check,
}
