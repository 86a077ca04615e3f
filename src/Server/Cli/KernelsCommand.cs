using System.CommandLine;
using System.Globalization;
using Kernels;
using Kernels.Cpu;
using Kernels.Cuda;
using Kernels.Ptx;
using Kernels.SelfTest;

namespace Server.Cli;

/// <summary>
/// <c>engine kernels</c>: looks inside the C#→PTX compiler. <c>--dump-ptx DIR [--target sm_80|sm_90]</c> writes
/// each catalogued kernel's PTX (and IR) per specialisation; <c>--self-test [--device cpu|cuda|auto]</c> runs the
/// kernel self-test suite on a device, one line per case, and exits 1 on any mismatch.
/// </summary>
public static class KernelsCommand
{
    public static Command Create()
    {
        var dumpPtx = new Option<string?>("--dump-ptx") { Description = "Write every kernel's PTX (and IR) into this folder." };
        var target = new Option<string>("--target") { Description = "PTX target for --dump-ptx: sm_80 or sm_90.", DefaultValueFactory = _ => "sm_80" };
        var selfTest = new Option<bool>("--self-test") { Description = "Run the kernel self-test suite and compare with the C# references." };
        var device = new Option<string>("--device") { Description = "Where --self-test runs: cpu, cuda or auto (CUDA when a device is present).", DefaultValueFactory = _ => "auto" };
        var command = new Command("kernels", "Dump the compiled PTX of the engine's kernels, or self-test them on a device.") { dumpPtx, target, selfTest, device };
        command.SetAction(parse =>
        {
            var folder = parse.GetValue(dumpPtx);
            var test = parse.GetValue(selfTest);
            if (folder is null == !test)
            {
                Console.Error.WriteLine("engine kernels: give exactly one of --dump-ptx DIR or --self-test.");
                return 2;
            }
            return folder is not null
                ? DumpPtx(folder, parse.GetValue(target)!, Console.Out, Console.Error)
                : SelfTest(parse.GetValue(device)!, Console.Out, Console.Error);
        });
        return command;
    }

    /// <summary>Writes the PTX of every kernel in <see cref="KernelCatalog"/> for <paramref name="target"/>; returns the exit code.</summary>
    public static int DumpPtx(string folder, string target, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        PtxTarget? ptxTarget = target switch
        {
            "sm_80" => PtxTarget.Sm80,
            "sm_90" => PtxTarget.Sm90,
            _ => null,
        };
        if (ptxTarget is null)
        {
            error.WriteLine($"engine kernels: unknown --target '{target}' (sm_80 or sm_90).");
            return 2;
        }
        try
        {
            var paths = KernelPtxDump.Write(folder, ptxTarget);
            foreach (var path in paths)
            {
                output.WriteLine(path);
            }
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{paths.Count} kernels, {ptxTarget.Architecture}, written to {folder}"));
            return 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or KernelCompilationException)
        {
            error.WriteLine($"engine kernels: {e.Message}");
            return 1;
        }
    }

    /// <summary>
    /// Runs <see cref="KernelSelfTest"/> on <paramref name="device"/> (cpu, cuda, or auto: CUDA when the driver
    /// initialises and a device exists, else the CPU executor), printing which device and why, then one line per
    /// case. Returns 0 when every case passes, 1 on any failure, 2 when the device cannot be used.
    /// </summary>
    public static int SelfTest(string device, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (device is not ("cpu" or "cuda" or "auto"))
        {
            error.WriteLine($"engine kernels: unknown --device '{device}' (cpu, cuda or auto).");
            return 2;
        }
        var reason = "";
        var cuda = device == "cpu" ? null : OpenCuda(out reason);
        if (device == "cpu")
        {
            output.WriteLine("device: cpu (the IR executor, as requested)");
            return Report(new CpuRuntime(), output);
        }
        if (cuda is null)
        {
            if (device == "cuda")
            {
                error.WriteLine($"engine kernels: CUDA is not available: {reason}");
                return 2;
            }
            output.WriteLine($"device: cpu (the IR executor; CUDA is not available: {reason})");
            return Report(new CpuRuntime(), output);
        }
        using (cuda)
        {
            output.WriteLine($"device: cuda {cuda.Context.Device} ({(device == "cuda" ? "as requested" : "a CUDA device is present")}), PTX target {cuda.Target.Architecture}");
            try
            {
                return Report(cuda, output);
            }
            catch (CudaException e)
            {
                // A fault outside any case's own checks (say, freeing after a kernel fault): the suite cannot go on.
                output.WriteLine($"FAIL  (device error, suite stopped) {e.Message}");
                return 1;
            }
        }
    }

    /// <summary>Device 0's runtime, or null with the reason (no driver, no device, or an SM older than the compiler's sm_80).</summary>
    private static CudaKernelRuntime? OpenCuda(out string reason)
    {
        if (!CudaDriver.TryInitialize(out reason))
        {
            return null;
        }
        try
        {
            return CudaKernelRuntime.Create(0);
        }
        catch (Exception e) when (e is CudaException or NotSupportedException)
        {
            reason = e.Message;
            return null;
        }
    }

    private static int Report(IKernelRuntime runtime, TextWriter output)
    {
        var results = KernelSelfTest.Run(runtime);
        var failed = 0;
        foreach (var result in results)
        {
            var time = string.Create(CultureInfo.InvariantCulture, $"{result.Elapsed.TotalMilliseconds,8:F1} ms");
            output.WriteLine(result.Passed ? $"PASS  {time}  {result.Name}" : $"FAIL  {time}  {result.Name}: {result.Message}");
            failed += result.Passed ? 0 : 1;
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{results.Count - failed}/{results.Count} passed on {runtime.Name}"));
        return failed == 0 ? 0 : 1;
    }
}
