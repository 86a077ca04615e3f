using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Bench.Common;
using Engine.Backends.Cuda;
using Engine.Backends.Cuda.Gemm;
using ILGPU;
using ILGPU.Runtime;
using Kernels;

namespace Bench.Gemm;

/// <summary>
/// On a CUDA device: the prefill matrix product y (m, n) = x (m, k) · Wᵀ with bf16 W, ours on the tensor cores
/// (<see cref="TensorCoreGemm"/> with the backend's plan, x float32 rounded on the way in) beside torch.matmul on
/// bf16 x and W (<c>torch_gemm.py</c>, run first by bench/gpu/run.sh, its JSON lines given with --torch), and beside
/// our decode GEMV in chunks of 8 rows for the short prompts (what the backend ran before the GEMM).
/// Shapes: Llama-3-8B's q/o projection (4096 × 4096) and gate/up (14336 × 4096) at m = 16 .. 4096.
/// TFLOP/s = 2 m n k / time; W GB/s = 2 n k / time (the bound for short prompts). Times: host wall clock around
/// --iters launches and one synchronize, after 3 warm-ups. Writes bench/results/gemm-cuda.md.
/// </summary>
/// <remarks>
/// Usage: <c>gemm [--rows 16,64,256,1024,4096] [--gemv-max 256] [--iters 20] [--torch FILE]</c>; <c>gemm --device
/// check</c> runs only the correctness check, on the CPU accelerator at a small shape.
/// </remarks>
public static class GemmSuite
{
    private static readonly (int N, int K, string Name)[] Shapes = [(4096, 4096, "q/o proj"), (14336, 4096, "gate/up")];

    public static int Run(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var rows = BenchArgs.Arg(args, "--rows", "16,64,256,1024,4096").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var gemvMax = int.Parse(BenchArgs.Arg(args, "--gemv-max", "256"), CultureInfo.InvariantCulture);
        var iters = int.Parse(BenchArgs.Arg(args, "--iters", "20"), CultureInfo.InvariantCulture);
        var torchFile = BenchArgs.Arg(args, "--torch");
        if (BenchArgs.Arg(args, "--device") == "check")
        {
            // the correctness check alone, on the CPU accelerator at a small shape (the simulator runs every thread)
            using var cpu = KernelContext.CreateCpu();
            using var cpuStream = cpu.CreateStream();
            var cpuError = GemmCheck.MaxError(cpu, cpuStream, 37, 136, 72);
            Console.WriteLine($"gemm check on the CPU accelerator: max scaled error {cpuError:E2} (tolerance {GemmCheck.Tolerance:E0})");
            return cpuError <= GemmCheck.Tolerance ? 0 : 1;
        }
        if (!KernelContext.TryCreateCuda(out var context, out var reason))
        {
            Console.Error.WriteLine("gemm: CUDA is not available: " + reason);
            return 1;
        }
        var results = new List<JsonObject>();
        double error;
        using (context)
        {
            using var stream = context.CreateStream();
            var accelerator = context.Accelerator;
            error = GemmCheck.MaxError(context, stream);
            using var partials = accelerator.Allocate1D<float>(TensorCoreGemm.MaxPartials(accelerator.NumMultiprocessors));
            foreach (var (n, k, name) in Shapes)
            {
                var maxRows = rows.Max();
                using var w = accelerator.Allocate1D<ushort>((long)n * k);
                using var x = accelerator.Allocate1D<float>((long)maxRows * k);
                using var y = accelerator.Allocate1D<float>((long)maxRows * n);
                w.View.MemSet(stream, 0x3C); // bf16 0x3C3C ≈ 0.0115: finite products
                x.View.MemSet(stream, 0x3C);
                foreach (var m in rows)
                {
                    var plan = TensorCoreGemm.PlanFor(m, n, k, accelerator.NumMultiprocessors);
                    var gemm = Time(stream, iters, () => TensorCoreGemm.Launch(context, stream, x.View, w.View, false, n, k, default, y.View, m, plan, partials.View));
                    var row = new JsonObject
                    {
                        ["impl"] = "ours", ["shape"] = name, ["m"] = m, ["n"] = n, ["k"] = k, ["plan"] = $"{plan.MTiles} m tiles, {plan.Splits} splits",
                        ["seconds"] = gemm, ["tflops"] = 2.0 * m * n * k / gemm / 1e12, ["w_gbps"] = 2.0 * n * k / gemm / 1e9,
                    };
                    if (m <= gemvMax)
                    {
                        row["gemv_seconds"] = Time(stream, iters, () => Gemv.LaunchHalfWidth(context, stream, w.View, false, n, k, x.View, default, y.View, m));
                    }
                    results.Add(row);
                    Console.WriteLine(row.ToJsonString());
                }
            }
            Write(accelerator.Name, args, results, torchFile, error);
        }
        return error <= GemmCheck.Tolerance ? 0 : 1;
    }

    private static double Time(AcceleratorStream stream, int iters, Action launch) => GpuTiming.SecondsPerCall(stream, 3, iters, launch);

    private static void Write(string device, string[] args, List<JsonObject> ours, string? torchFile, double error)
    {
        var torch = GpuTiming.ReadJsonLines(torchFile);
        var text = GpuTiming.StartResults("# Prefill GEMM on the GPU: ours (C#, ILGPU, mma.sync bf16) vs torch.matmul (cuBLAS)", device, torch, "gemm", args, "bench/Gemm/torch_gemm.py");
        text.AppendLine("- y = x · Wᵀ, W bf16 (n, k) row-major. Ours reads x as float32 (the backend's activations) and rounds it to bf16 in the kernel; torch is given bf16 x (half the x bytes) and writes bf16 y (ours float32).");
        text.AppendLine(CultureInfo.InvariantCulture, $"- Correctness on this GPU first (GemmCheck: 5 plans × bf16/f16, 77 × (200, 264) with bias, vs a double product of the rounded operands): max |err| / (1 + |y|) = {error:E2}, {(error <= GemmCheck.Tolerance ? "within" : "OVER")} {GemmCheck.Tolerance:E0}.");
        text.AppendLine("- GEMV: our decode kernel in launches of 8 rows, what the backend ran for every prompt before the GEMM.");
        text.AppendLine();
        text.AppendLine("| shape | m | plan | ours (us) | torch (us) | ours / torch time | ours TFLOP/s | torch TFLOP/s | ours W GB/s | GEMV (us) | GEMV / ours |");
        text.AppendLine("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in ours)
        {
            var m = row["m"]!.GetValue<int>();
            var n = row["n"]!.GetValue<int>();
            var theirs = torch.FirstOrDefault(t => t["m"]?.GetValue<int>() == m && t["n"]?.GetValue<int>() == n);
            var seconds = row["seconds"]!.GetValue<double>();
            var theirSeconds = theirs?["seconds"]?.GetValue<double>();
            var gemv = row["gemv_seconds"]?.GetValue<double>();
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {row["shape"]} ({n} × {row["k"]}) | {m} | {row["plan"]} | {seconds * 1e6:F1} | {Format(theirSeconds * 1e6)} | {Format(seconds / theirSeconds)} | {row["tflops"]!.GetValue<double>():F1} | {Format(theirs?["tflops"]?.GetValue<double>())} | {row["w_gbps"]!.GetValue<double>():F0} | {Format(gemv * 1e6)} | {Format(gemv / seconds)} |");
        }
        GpuTiming.WriteResults(text, ours.Concat(torch), "gemm-cuda.md");
    }

    private static string Format(double? value) => value is { } v ? v.ToString("F2", CultureInfo.InvariantCulture) : "-";
}
