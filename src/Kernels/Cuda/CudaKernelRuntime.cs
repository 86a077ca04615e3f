using System.Collections.Concurrent;
using System.Globalization;
using Kernels.Ptx;

namespace Kernels.Cuda;

/// <summary>
/// Runs compiled kernels on a CUDA device: the GPU twin of <see cref="Cpu.CpuRuntime"/>. Each
/// <see cref="CompiledKernel"/> is loaded once (its PTX recompiled for <see cref="Target"/> when it was compiled
/// for another SM, then cuModuleLoadDataEx and cuModuleGetFunction by <see cref="CompiledKernel.EntryName"/>);
/// later launches are a dictionary lookup. Calls must come from a thread where <see cref="Context"/> is
/// current (<see cref="CudaContext.MakeCurrent"/>).
/// </summary>
public sealed class CudaKernelRuntime : IKernelRuntime, IDisposable
{
    private readonly ConcurrentDictionary<CompiledKernel, Loaded> _loaded = new(ReferenceEqualityComparer.Instance);
    private readonly bool _ownsContext;

    /// <summary>Runs on <paramref name="context"/>, which the caller keeps and disposes after this runtime.</summary>
    public CudaKernelRuntime(CudaContext context)
        : this(context, ownsContext: false)
    {
    }

    private CudaKernelRuntime(CudaContext context, bool ownsContext)
    {
        ArgumentNullException.ThrowIfNull(context);
        Context = context;
        _ownsContext = ownsContext;
        Target = TargetFor(context.Device.ComputeCapability);
    }

    /// <summary>Opens device <paramref name="ordinal"/>'s primary context (current on this thread) and runs on it; disposing the runtime releases it.</summary>
    /// <exception cref="InvalidOperationException">No driver or no device; the message says why.</exception>
    public static CudaKernelRuntime Create(int ordinal = 0) =>
        new(CudaContext.CreatePrimary(CudaDevice.Get(ordinal)), ownsContext: true);

    public string Name => "cuda";

    public CudaContext Context { get; }

    /// <summary>The PTX target kernels are compiled for: the device's own SM (see <see cref="TargetFor"/>).</summary>
    public PtxTarget Target { get; }

    /// <summary>
    /// The PTX target for a device of capability <paramref name="capability"/>: <c>.target sm_XY</c> of the device
    /// itself, so the JIT never has to translate up from an older SM, with the lowest PTX ISA that knows that SM
    /// (7.8 up to sm_90, 8.6 for sm_10x, 8.7 for sm_12x, per the PTX ISA release notes).
    /// </summary>
    /// <exception cref="NotSupportedException">Below sm_80: the kernels use bf16 mma and cvt, which need Ampere.</exception>
    public static PtxTarget TargetFor(ComputeCapability capability)
    {
        if (capability < new ComputeCapability(8, 0))
        {
            throw new NotSupportedException(string.Create(
                CultureInfo.InvariantCulture,
                $"Compute capability {capability} is below 8.0; the kernel compiler targets sm_80 and newer."));
        }
        if (capability == new ComputeCapability(8, 0))
        {
            return PtxTarget.Sm80;
        }
        if (capability == new ComputeCapability(9, 0))
        {
            return PtxTarget.Sm90;
        }
        var isa = capability.Major switch
        {
            <= 9 => "7.8",
            10 or 11 => "8.6",
            _ => "8.7",
        };
        return new PtxTarget(capability.PtxTarget, isa);
    }

    /// <summary>Compiles <paramref name="kernel"/> for this device's <see cref="Target"/> (cached by <see cref="KernelCompiler"/>).</summary>
    public CompiledKernel Compile(System.Reflection.MethodInfo kernel) => KernelCompiler.Compile(kernel, Target);

    public IDeviceBuffer<T> Allocate<T>(int length)
        where T : unmanaged => new CudaKernelBuffer<T>(Context, length);

    /// <summary>Flattens <paramref name="args"/>, queues the kernel on the default stream and waits for it, so faults surface here.</summary>
    public void Launch(CompiledKernel kernel, Dim3 grid, Dim3 block, int dynamicSharedBytes, params object[] args)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        Enqueue(kernel, grid, block, dynamicSharedBytes, kernel.FlattenArguments(args), stream: null);
        Context.Synchronize();
    }

    /// <summary>
    /// Queues <paramref name="kernel"/> on <paramref name="stream"/> (null: the default stream) without waiting and
    /// without allocating once the kernel is loaded. <paramref name="parameters"/> holds one raw value per PTX
    /// parameter, as <see cref="CompiledKernel.FlattenArguments"/> produces them (pointer, then u32 length, per view).
    /// </summary>
    /// <exception cref="ArgumentException">The value count differs from <see cref="CompiledKernel.Parameters"/>.</exception>
    public void Enqueue(CompiledKernel kernel, Dim3 grid, Dim3 block, int dynamicSharedBytes, ReadOnlySpan<ulong> parameters, CudaStream? stream)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        var loaded = _loaded.GetOrAdd(kernel, static (k, self) => self.Load(k), this);
        var arguments = new KernelArguments();
        Pack(kernel, parameters, ref arguments);
        if (dynamicSharedBytes > loaded.DynamicSharedLimit)
        {
            loaded.RaiseDynamicSharedLimit(dynamicSharedBytes);
        }
        loaded.Function.Launch(grid, block, dynamicSharedBytes, stream, in arguments);
    }

    /// <summary>
    /// Appends each value with its PTX parameter's width (<see cref="KernelParameter.SizeBytes"/>: the low bytes,
    /// little-endian), in parameter order.
    /// </summary>
    internal static void Pack(CompiledKernel kernel, ReadOnlySpan<ulong> values, ref KernelArguments arguments)
    {
        var parameters = kernel.Parameters;
        if (values.Length != parameters.Count)
        {
            ThrowCountMismatch(kernel, values.Length);
        }
        for (var i = 0; i < values.Length; i++)
        {
            switch (parameters[i].SizeBytes)
            {
                case 8:
                    arguments.Add(values[i]);
                    break;
                case 4:
                    arguments.Add((uint)values[i]);
                    break;
                case 2:
                    arguments.Add((ushort)values[i]);
                    break;
                case 1:
                    arguments.Add((byte)values[i]);
                    break;
                default:
                    ThrowUnsupportedSize(kernel, parameters[i]);
                    break;
            }
        }
    }

    public void Dispose()
    {
        foreach (var loaded in _loaded.Values)
        {
            loaded.Function.Module.Dispose();
        }
        _loaded.Clear();
        if (_ownsContext)
        {
            Context.Dispose();
        }
    }

    private Loaded Load(CompiledKernel kernel)
    {
        // A kernel compiled for another SM (KernelCompiler's default is sm_80) is recompiled for this device;
        // the parameter list does not depend on the target, so the caller's flattening still applies.
        var forDevice = kernel.Target == Target ? kernel : KernelCompiler.Compile(kernel.Method, Target);
        var module = CudaModule.LoadPtx(Context, forDevice.Ptx);
        try
        {
            return new Loaded(module.GetFunction(forDevice.EntryName), Context.Device.MaxSharedMemoryPerBlock - forDevice.StaticSharedBytes);
        }
        catch
        {
            module.Dispose();
            throw;
        }
    }

    private static void ThrowCountMismatch(CompiledKernel kernel, int count) =>
        throw new ArgumentException(
            string.Create(CultureInfo.InvariantCulture, $"Kernel {kernel.EntryName} has {kernel.Parameters.Count} PTX parameters, got {count} values."),
            "parameters");

    private static void ThrowUnsupportedSize(CompiledKernel kernel, KernelParameter parameter) =>
        throw new ArgumentException(
            string.Create(CultureInfo.InvariantCulture, $"Kernel {kernel.EntryName}: parameter {parameter.PtxName} is {parameter.SizeBytes} bytes; only 1, 2, 4 and 8 are packed."),
            "parameters");

    /// <summary>A loaded entry and the dynamic shared memory it may take without another opt-in.</summary>
    private sealed class Loaded(CudaFunction function, int dynamicSharedLimit)
    {
        public CudaFunction Function { get; } = function;

        public int DynamicSharedLimit { get; private set; } = dynamicSharedLimit;

        public void RaiseDynamicSharedLimit(int bytes)
        {
            // Past 48 KiB a block must opt in (cuFuncSetAttribute); the driver rejects the launch otherwise.
            Function.SetMaxDynamicSharedMemory(bytes);
            DynamicSharedLimit = bytes;
        }
    }
}
