using System.Text;

namespace Kernels.Cuda;

/// <summary>
/// Device code loaded into a context. <see cref="LoadPtx"/> hands PTX text to the driver's JIT
/// (<c>cuModuleLoadDataEx</c>), which compiles it for the context's device; the JIT's info and error logs are
/// captured, so a rejected module throws with the assembler's own line-numbered complaint.
/// </summary>
public sealed unsafe class CudaModule : IDisposable
{
    private const int LogCapacity = 16 * 1024;

    private readonly CudaResourceHandle _handle;

    private CudaModule(CudaContext context, CudaResourceHandle handle, string infoLog)
    {
        Context = context;
        _handle = handle;
        InfoLog = infoLog;
    }

    /// <summary>
    /// JIT-compiles <paramref name="ptx"/> (a complete module: <c>.version</c>, <c>.target</c>, entries) for the
    /// context's device. The PTX <c>.target</c> must not exceed the device's SM version and its <c>.version</c>
    /// must be one this driver knows.
    /// </summary>
    /// <exception cref="CudaException">
    /// The JIT rejected the module (typically <see cref="CuResult.ErrorInvalidPtx"/> or
    /// <see cref="CuResult.ErrorUnsupportedPtxVersion"/>); <see cref="CudaException.Detail"/> holds the JIT error log.
    /// </exception>
    public static CudaModule LoadPtx(CudaContext context, string ptx)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentException.ThrowIfNullOrEmpty(ptx);

        // The driver reads the image as a NUL-terminated C string.
        var image = new byte[Encoding.UTF8.GetByteCount(ptx) + 1];
        Encoding.UTF8.GetBytes(ptx, image);
        var infoLog = new byte[LogCapacity];
        var errorLog = new byte[LogCapacity];

        const int optionCount = 5;
        var options = stackalloc CuJitOption[optionCount]
        {
            CuJitOption.InfoLogBuffer,
            CuJitOption.InfoLogBufferSizeBytes,
            CuJitOption.ErrorLogBuffer,
            CuJitOption.ErrorLogBufferSizeBytes,
            CuJitOption.LogVerbose,
        };
        var values = stackalloc void*[optionCount];

        using var scope = context.Enter();
        fixed (byte* imagePointer = image)
        fixed (byte* infoPointer = infoLog)
        fixed (byte* errorPointer = errorLog)
        {
            // Sizes travel in the pointer slots themselves; on return the driver overwrites them with the
            // number of bytes it wrote.
            values[0] = infoPointer;
            values[1] = (void*)(nuint)LogCapacity;
            values[2] = errorPointer;
            values[3] = (void*)(nuint)LogCapacity;
            values[4] = (void*)(nuint)1;

            nint module;
            var result = CudaNative.cuModuleLoadDataEx(&module, imagePointer, optionCount, options, values);
            if (result != CuResult.Success)
            {
                var log = ReadLog(errorLog);
                throw new CudaException(
                    "cuModuleLoadDataEx",
                    result,
                    log.Length == 0 ? "The JIT wrote no error log." : "JIT error log:\n" + log);
            }
            return new CudaModule(context, new CudaResourceHandle(context.Handle, CudaResourceKind.Module, module), ReadLog(infoLog));
        }
    }

    public CudaContext Context { get; }

    /// <summary>The JIT's verbose info log: per-entry register, shared and local memory use (empty if it wrote none).</summary>
    public string InfoLog { get; }

    /// <summary>Looks up the <c>.entry</c> named <paramref name="entryName"/>.</summary>
    /// <exception cref="CudaException">No such entry (<see cref="CuResult.ErrorNotFound"/>); the detail names it.</exception>
    public CudaFunction GetFunction(string entryName)
    {
        ArgumentException.ThrowIfNullOrEmpty(entryName);
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        var name = new byte[Encoding.UTF8.GetByteCount(entryName) + 1];
        Encoding.UTF8.GetBytes(entryName, name);
        nint function;
        CuResult result;
        fixed (byte* namePointer = name)
        {
            result = CudaNative.cuModuleGetFunction(&function, _handle.DangerousGetHandle(), namePointer);
        }
        if (result != CuResult.Success)
        {
            throw new CudaException("cuModuleGetFunction", result, $"Entry '{entryName}' was not found in the module.");
        }
        return new CudaFunction(this, function, entryName);
    }

    internal bool IsClosed => _handle.IsClosed;

    public void Dispose() => _handle.Dispose();

    private static string ReadLog(byte[] buffer)
    {
        var length = Array.IndexOf(buffer, (byte)0);
        return Encoding.UTF8.GetString(buffer, 0, length < 0 ? buffer.Length : length).TrimEnd();
    }
}
