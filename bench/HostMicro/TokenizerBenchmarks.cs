using System.Text;
using BenchmarkDotNet.Attributes;
using Bench.Common;
using Bench.Tokenizer;
using Ml = Microsoft.ML.Tokenizers;

namespace Bench.HostMicro;

/// <summary>
/// Encoding 64 chunks of 4 KiB of the tokenizer bench's mixed corpus (prose, code, CJK, emoji, numbers) with our
/// tokenizers from the fixtures, and o200k (gpt-4o) ours beside Microsoft.ML.Tokenizers 3.0.0's TiktokenTokenizer,
/// the baseline of its ratio column.
/// </summary>
[MemoryDiagnoser]
public class TokenizerBenchmarks
{
    private List<string> _chunks = null!;
    private Engine.Tokenization.Tokenizer _llama3 = null!;
    private Engine.Tokenization.Tokenizer _qwen3 = null!;
    private Engine.Tokenization.Tokenizer _o200k = null!;
    private Ml.TiktokenTokenizer _mlO200k = null!;

    /// <summary>UTF-8 bytes per call: MB/s = this ÷ Mean.</summary>
    public long CorpusBytes { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        _chunks = BenchCorpus.Build(64 * 4096, 4096);
        CorpusBytes = _chunks.Sum(c => (long)Encoding.UTF8.GetByteCount(c));
        _llama3 = Engine.Tokenization.Tokenizer.FromDirectory(BenchArgs.Shared("fixtures", "tokenizers", "llama3"));
        _qwen3 = Engine.Tokenization.Tokenizer.FromDirectory(BenchArgs.Shared("fixtures", "tokenizers", "qwen3"));
        _o200k = Engine.Tokenization.Tokenizer.FromDirectory(BenchArgs.Shared("fixtures", "tokenizers", "gpt4o"));
        _mlO200k = Ml.TiktokenTokenizer.CreateForModel("gpt-4o");
    }

    private static int Encode(Engine.Tokenization.Tokenizer tokenizer, List<string> chunks)
    {
        var tokens = 0;
        foreach (var chunk in chunks)
        {
            tokens += tokenizer.Encode(chunk, addSpecialTokens: false).Length;
        }
        return tokens;
    }

    [Benchmark]
    public int Llama3() => Encode(_llama3, _chunks);

    [Benchmark]
    public int Qwen3() => Encode(_qwen3, _chunks);

    [Benchmark]
    public int O200kOurs() => Encode(_o200k, _chunks);

    [Benchmark(Baseline = true)]
    public int O200kMlTokenizers()
    {
        var tokens = 0;
        foreach (var chunk in _chunks)
        {
            tokens += _mlO200k.EncodeToIds(chunk).Count;
        }
        return tokens;
    }
}
