using System.CommandLine;
using System.Globalization;
using Engine.Backends.Cuda;
using Kernels;
using Kernels.Ptx;
using Kernels.SelfTest;

namespace Server.Cli;

/// <summary>
/// <c>engine kernels</c>: looks inside the kernel layer. <c>--dump-ptx DIR [--target sm_80|sm_90]</c> writes each
/// catalogued kernel's PTX (compiled offline by ILGPU) per specialisation; <c>--self-test [--device cpu|cuda|auto]</c>
/// runs the kernel self-test suite on an accelerator, one line per case, and exits 1 on any mismatch.
/// </summary>
public static class KernelsCommand
{
    public static Command Create()
    {
        var dumpPtx = new Option<string?>("--dump-ptx") { Description = "Write every kernel's PTX into this folder." };
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

    /// <summary>Writes the PTX of every kernel in <see cref="KernelCatalog"/> and the CUDA backend's <see cref="CudaKernelCatalog"/> for <paramref name="target"/>; returns the exit code.</summary>
    public static int DumpPtx(string folder, string target, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var ptxTarget = PtxTarget.Parse(target);
        if (ptxTarget is null)
        {
            error.WriteLine($"engine kernels: unknown --target '{target}' (sm_80 or sm_90).");
            return 2;
        }
        try
        {
            var paths = PtxDump.Write(folder, ptxTarget, KernelCatalog.All.Concat(CudaKernelCatalog.All));
            foreach (var path in paths)
            {
                output.WriteLine(path);
            }
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{paths.Count} kernels, {ptxTarget.Architecture}, written to {folder}"));
            return 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or KernelCompileException)
        {
            error.WriteLine($"engine kernels: {e.Message}");
            return 1;
        }
    }

    /// <summary>
    /// Runs <see cref="KernelSelfTest"/> on <paramref name="device"/> (cpu, cuda, or auto: CUDA when a device of
    /// sm_80 or newer is present, else ILGPU's CPU accelerator), printing which device and why, then one line per
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
        KernelContext? context = null;
        var reason = "";
        if (device != "cpu" && KernelContext.TryCreateCuda(out var cuda, out reason))
        {
            context = cuda;
        }
        if (context is null && device == "cuda")
        {
            error.WriteLine($"engine kernels: CUDA is not available: {reason}");
            return 2;
        }
        using (context ??= KernelContext.CreateCpu())
        {
            output.WriteLine(context.IsCuda
                ? $"device: cuda {context.Accelerator.Name} ({(device == "cuda" ? "as requested" : "a CUDA device is present")})"
                : device == "cpu"
                    ? "device: cpu (ILGPU's CPU accelerator, as requested)"
                    : $"device: cpu (ILGPU's CPU accelerator; CUDA is not available: {reason})");
            return Report(context, output);
        }
    }

    private static int Report(KernelContext context, TextWriter output)
    {
        var results = KernelSelfTest.Run(context);
        var failed = 0;
        foreach (var result in results)
        {
            var time = string.Create(CultureInfo.InvariantCulture, $"{result.Elapsed.TotalMilliseconds,8:F1} ms");
            output.WriteLine(result.Passed ? $"PASS  {time}  {result.Name}" : $"FAIL  {time}  {result.Name}: {result.Message}");
            failed += result.Passed ? 0 : 1;
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{results.Count - failed}/{results.Count} passed on {context.Name}"));
        return failed == 0 ? 0 : 1;
    }
}
