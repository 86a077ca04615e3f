using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using Kernels.Cuda;
using Kernels.Graphs;
using Kernels.Ptx;

namespace Kernels;

/// <summary>
/// The one place that creates ILGPU's <see cref="ILGPU.Context"/> and the accelerator kernels run on: the first
/// CUDA device (sm_80 or newer) when one is present, else the CPU accelerator. It resolves <c>libcuda.so.1</c> for
/// ILGPU first (driver-only machines lack the unversioned name, and ILGPU would silently see no device), hands
/// out one non-blocking stream per pipeline, and loads each kernel once.
/// </summary>
/// <remarks>
/// The CPU accelerator simulates every thread of a group: <see cref="CpuDevice"/> is sized for tests (warps of
/// 32, 8 warps per group, one multiprocessor), far cheaper per launch than ILGPU's default CPU device. An
/// exception thrown inside a kernel on it aborts the process, so callers check index math on the host.
/// </remarks>
public sealed class KernelContext : IDisposable
{
    /// <summary>Warps of 32 like the GPU, up to 256 threads per group, one simulated multiprocessor.</summary>
    public static CPUDevice CpuDevice { get; } = new(numThreadsPerWarp: 32, numWarpsPerMultiprocessor: 8, numMultiprocessors: 1);

    private readonly ConcurrentDictionary<System.Reflection.MethodInfo, LoadedKernel> _kernels = new();

    private KernelContext(Context context, Accelerator accelerator)
    {
        Context = context;
        Accelerator = accelerator;
    }

    public Context Context { get; }

    public Accelerator Accelerator { get; }

    public bool IsCuda => Accelerator.AcceleratorType == AcceleratorType.Cuda;

    /// <summary>"cpu" or "cuda", as the command line and the tests name devices.</summary>
    public string Name => IsCuda ? "cuda" : "cpu";

    /// <summary>Creates the context for <paramref name="device"/>; throws <see cref="NotSupportedException"/> for Cuda without a usable device.</summary>
    public static KernelContext Create(KernelDevice device = KernelDevice.Auto)
    {
        var reason = "";
        if (device != KernelDevice.Cpu && TryCreateCuda(out var cuda, out reason))
        {
            return cuda;
        }
        if (device == KernelDevice.Cuda)
        {
            throw new NotSupportedException("CUDA is not available: " + reason);
        }
        return CreateCpu();
    }

    /// <summary>The CPU accelerator on <paramref name="cpu"/> (default <see cref="CpuDevice"/>).</summary>
    public static KernelContext CreateCpu(CPUDevice? cpu = null)
    {
        var context = Context.Create(builder => builder.CPU(cpu ?? CpuDevice).EnableAlgorithms().Optimize(OptimizationLevel.O2));
        return new KernelContext(context, context.CreateCPUAccelerator(0));
    }

    /// <summary>True when a CUDA device of sm_80 or newer is present; <paramref name="reason"/> says why not otherwise.</summary>
    public static bool TryCreateCuda([NotNullWhen(true)] out KernelContext? context, out string reason)
    {
        CudaLibrary.RegisterResolver();
        context = null;
        if (!CudaLibrary.TryLoad(out reason))
        {
            return false;
        }
        var ilgpu = Context.Create(builder => builder.Cuda().EnableAlgorithms().Optimize(OptimizationLevel.O2));
        CudaDevice? device = null;
        var found = new List<string>();
        foreach (var candidate in ilgpu.GetCudaDevices())
        {
            found.Add($"{candidate.Name} {candidate.Architecture}");
            if (device is null && candidate.Architecture is { } arch && arch >= CudaArchitecture.SM_80)
            {
                device = candidate;
            }
        }
        if (device is null)
        {
            reason = found.Count == 0
                ? "the driver loaded but reports no CUDA device"
                : $"no device of sm_80 or newer (found {string.Join(", ", found)})";
            ilgpu.Dispose();
            return false;
        }
        context = new KernelContext(ilgpu, device.CreateCudaAccelerator(ilgpu));
        reason = "";
        return true;
    }

    /// <summary>
    /// A stream for one pipeline. On CUDA it is non-blocking: it does not wait for the legacy NULL stream that
    /// <see cref="Accelerator.DefaultStream"/> is. The caller disposes it.
    /// </summary>
    public AcceleratorStream CreateStream() =>
        Accelerator is CudaAccelerator cuda ? cuda.CreateStream(StreamFlags.CU_STREAM_NON_BLOCKING) : Accelerator.CreateStream();

    /// <summary>The launcher of an explicitly grouped kernel, compiled on first use and cached by method.</summary>
    public Action<AcceleratorStream, KernelConfig, T1> Load<T1>(Action<T1> kernel)
        where T1 : struct => Launcher<Action<AcceleratorStream, KernelConfig, T1>>(kernel);

    public Action<AcceleratorStream, KernelConfig, T1, T2> Load<T1, T2>(Action<T1, T2> kernel)
        where T1 : struct
        where T2 : struct => Launcher<Action<AcceleratorStream, KernelConfig, T1, T2>>(kernel);

    public Action<AcceleratorStream, KernelConfig, T1, T2, T3> Load<T1, T2, T3>(Action<T1, T2, T3> kernel)
        where T1 : struct
        where T2 : struct
        where T3 : struct => Launcher<Action<AcceleratorStream, KernelConfig, T1, T2, T3>>(kernel);

    public Action<AcceleratorStream, KernelConfig, T1, T2, T3, T4> Load<T1, T2, T3, T4>(Action<T1, T2, T3, T4> kernel)
        where T1 : struct
        where T2 : struct
        where T3 : struct
        where T4 : struct => Launcher<Action<AcceleratorStream, KernelConfig, T1, T2, T3, T4>>(kernel);

    public Action<AcceleratorStream, KernelConfig, T1, T2, T3, T4, T5> Load<T1, T2, T3, T4, T5>(Action<T1, T2, T3, T4, T5> kernel)
        where T1 : struct
        where T2 : struct
        where T3 : struct
        where T4 : struct
        where T5 : struct => Launcher<Action<AcceleratorStream, KernelConfig, T1, T2, T3, T4, T5>>(kernel);

    public Action<AcceleratorStream, KernelConfig, T1, T2, T3, T4, T5, T6> Load<T1, T2, T3, T4, T5, T6>(Action<T1, T2, T3, T4, T5, T6> kernel)
        where T1 : struct
        where T2 : struct
        where T3 : struct
        where T4 : struct
        where T5 : struct
        where T6 : struct => Launcher<Action<AcceleratorStream, KernelConfig, T1, T2, T3, T4, T5, T6>>(kernel);

    /// <summary>
    /// Graph capture for the steps launched on <paramref name="stream"/> (one from <see cref="CreateStream"/>): CUDA
    /// graphs on a CUDA device, plain launches on the CPU accelerator.
    /// </summary>
    public StepGraphs CreateStepGraphs(AcceleratorStream stream, GraphBuckets buckets)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return new StepGraphs(buckets, stream is CudaStream cuda ? new CudaGraphCapturer(cuda.StreamPtr) : null);
    }

    /// <summary>Compiles and loads <paramref name="kernel"/> now (a warm-up before graph capture, where nothing may compile).</summary>
    public void Preload(System.Reflection.MethodInfo kernel)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        LoadEntry(kernel);
    }

    /// <summary>
    /// Loads <paramref name="kernel"/> for sm_90a (wgmma, TMA) on an sm_90 device: ILGPU compiles it, the PTX is
    /// patched to <c>.version 8.0</c> / <c>.target sm_90a</c> (<see cref="Sm90aPtx"/>) and loaded by ILGPU's CUDA
    /// loader, whose launcher is returned. Not cached: call once per kernel at start-up.
    /// </summary>
    /// <exception cref="NotSupportedException">The accelerator is not an sm_90 CUDA device.</exception>
    public TLauncher LoadSm90a<TLauncher>(System.Reflection.MethodInfo kernel)
        where TLauncher : Delegate
    {
        ArgumentNullException.ThrowIfNull(kernel);
        if (Accelerator is not CudaAccelerator cuda || cuda.Architecture != CudaArchitecture.SM_90)
        {
            throw new NotSupportedException($"sm_90a kernels need an sm_90 CUDA device; this is {Accelerator.Name} ({Name}).");
        }
        var compiled = (PTXCompiledKernel)Accelerator.CompileKernel(EntryPointDescription.FromExplicitlyGroupedKernel(kernel));
        var patched = Sm90aPtx.WithAssembly(compiled, Sm90aPtx.Patch(compiled.PTXAssembly));
        return Accelerator.LoadKernel(patched).CreateLauncherDelegate<TLauncher>();
    }

    /// <summary>How many kernels this context has compiled (each method once).</summary>
    public int LoadedKernelCount => _kernels.Count;

    /// <summary>
    /// Lets <paramref name="kernel"/> use up to <paramref name="bytes"/> of dynamic shared memory. CUDA refuses a
    /// launch with more than 48 KB unless the function opted in (cuFuncSetAttribute, MAX_DYNAMIC_SHARED_SIZE_BYTES);
    /// ILGPU has no call for it. Returns false on the CPU accelerator, which has no such limit.
    /// </summary>
    public bool SetMaxDynamicSharedMemory(Delegate kernel, int bytes)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        if (LoadEntry(kernel.Method).Kernel is not CudaKernel cuda)
        {
            return false;
        }
        CudaFunctions.SetMaxDynamicSharedMemory(cuda.FunctionPtr, bytes);
        return true;
    }

    private TLauncher Launcher<TLauncher>(Delegate kernel)
        where TLauncher : Delegate
    {
        ArgumentNullException.ThrowIfNull(kernel);
        return LoadEntry(kernel.Method).Launcher<TLauncher>();
    }

    private LoadedKernel LoadEntry(System.Reflection.MethodInfo method) =>
        _kernels.TryGetValue(method, out var loaded)
            ? loaded
            : _kernels.GetOrAdd(method, m => new LoadedKernel(Accelerator.LoadKernel(Accelerator.CompileKernel(EntryPointDescription.FromExplicitlyGroupedKernel(m)))));

    /// <summary>A loaded kernel and its launcher (one per kernel: its type follows from the kernel's parameters).</summary>
    private sealed class LoadedKernel(Kernel kernel)
    {
        private Delegate? _launcher;

        public Kernel Kernel { get; } = kernel;

        // A race creates two equal launchers and keeps one: harmless.
        public TLauncher Launcher<TLauncher>()
            where TLauncher : Delegate => (TLauncher)(_launcher ??= Kernel.CreateLauncherDelegate<TLauncher>());
    }

    public void Dispose()
    {
        Accelerator.Dispose();
        Context.Dispose();
    }
}
