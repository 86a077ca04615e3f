using System.Diagnostics;
using System.Runtime.InteropServices;
using LLama;
using LLama.Common;
using LLama.Native;

namespace Bench.CpuForward;

/// <summary>
/// The yardstick: llama.cpp through LLamaSharp 0.30.0 (LLamaSharp.Backend.Cpu, the AVX-512 build on this CPU) on
/// a GGUF written by <c>convert gguf</c> from the same checkpoint our engine maps. Decode is llama-bench's tg
/// (one token per llama_decode from an empty cache, argmax over the logits as our side does), prefill its pp
/// (one batch of the whole prompt, logits of the last token only).
/// </summary>
internal sealed unsafe class LlamaCppRunner : IDisposable
{
    private readonly LLamaWeights _weights;
    private readonly LLamaContext _context;
    private readonly LLamaBatch _batch = new();

    static LlamaCppRunner()
    {
        NativeLibraryConfig.All.WithLogCallback((level, message) =>
        {
            if (level == LLamaLogLevel.Error)
            {
                Console.Error.Write(message);
            }
        });
    }

    public LlamaCppRunner(string gguf, int threads, int contextSize)
    {
        var parameters = new ModelParams(gguf)
        {
            ContextSize = (uint)contextSize,
            BatchSize = (uint)contextSize,
            UBatchSize = (uint)contextSize,
            Threads = threads,
            BatchThreads = threads,
        };
        _weights = LLamaWeights.LoadFromFile(parameters);
        _context = _weights.CreateContext(parameters);
    }

    /// <summary>Seconds for <paramref name="tokens"/> greedy decode steps after BOS from an empty cache or, with
    /// <paramref name="context"/>, after prefilling it (not timed; llama-bench's tg at depth).</summary>
    public double Decode(int tokens, int[]? context = null)
    {
        var first = 0;
        if (context is { Length: > 0 })
        {
            Prefill(context);
            first = context.Length;
        }
        else
        {
            _context.NativeHandle.MemoryClear(true);
        }
        var clock = Stopwatch.StartNew();
        var token = 1;
        for (var pos = first; pos < first + tokens; pos++)
        {
            _batch.Clear();
            _batch.Add(token, pos, LLamaSeqId.Zero, true);
            Check(_context.Decode(_batch));
            token = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(_context.NativeHandle.GetLogitsIth(0));
        }
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>Seconds to prefill <paramref name="prompt"/> in one batch from an empty cache.</summary>
    public double Prefill(ReadOnlySpan<int> prompt)
    {
        _context.NativeHandle.MemoryClear(true);
        _batch.Clear();
        for (var i = 0; i < prompt.Length; i++)
        {
            _batch.Add(prompt[i], i, LLamaSeqId.Zero, i == prompt.Length - 1);
        }
        var clock = Stopwatch.StartNew();
        Check(_context.Decode(_batch));
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>The ggml version and commit of the loaded native library, and llama.cpp's system-info line.</summary>
    public static string Version()
    {
        var info = Marshal.PtrToStringUTF8(NativeApi.llama_print_system_info()) ?? "";
        var path = File.ReadLines("/proc/self/maps").Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length >= 6 && f[^1].EndsWith("libggml-base.so", StringComparison.Ordinal)).Select(f => f[^1]).FirstOrDefault();
        if (path is null || !NativeLibrary.TryLoad(path, out var lib))
        {
            return $"ggml (version unknown); {info.Trim()}";
        }
        var version = (delegate* unmanaged<nint>)NativeLibrary.GetExport(lib, "ggml_version");
        var commit = (delegate* unmanaged<nint>)NativeLibrary.GetExport(lib, "ggml_commit");
        return $"ggml {Marshal.PtrToStringUTF8(version())} (commit {Marshal.PtrToStringUTF8(commit())}), {Path.GetFileName(Path.GetDirectoryName(path))} build; {info.Trim()}";
    }

    private static void Check(DecodeResult result)
    {
        if (result != DecodeResult.Ok)
        {
            throw new InvalidOperationException($"llama_decode returned {result}");
        }
    }

    public void Dispose()
    {
        _context.Dispose();
        _weights.Dispose();
    }
}
