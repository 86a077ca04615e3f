using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Bench.Sampling;
using Engine.Sampling;

namespace Bench.HostMicro;

/// <summary>
/// One decoding step of one sequence through each CPU sampler configuration of the <c>samplers</c> suite (copy of a
/// logit row included, 512 prompt and 128 generated tokens of history), at a 32k and a 128k vocabulary.
/// </summary>
[MemoryDiagnoser]
public class SamplerBenchmarks
{
    private const int Rows = 8;

    private SequenceSampler _sampler = null!;
    private float[][] _rows = null!;
    private float[] _logits = null!;
    private int[] _prompt = null!;
    private int[] _output = null!;
    private int _step;

    public static IEnumerable<string> Configurations => SamplersBench.Configs.Select(c => c.Name);

    [ParamsSource(nameof(Configurations))]
    public string Sampler { get; set; } = "";

    [Params(32_000, 128_256)]
    public int Vocab { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var json = SamplersBench.Configs.Single(c => c.Name == Sampler).Json;
        var chain = new SamplerChain(SamplingParams.FromJson(JsonDocument.Parse(json).RootElement), new SamplerSetup(Vocab, [2]));
        _sampler = new SequenceSampler(chain, 1000, 0, new SamplerWorkspace(Vocab));
        _rows = SamplersBench.MakeLogits(Vocab, Rows);
        _logits = new float[Vocab];
        var rng = new Random(7);
        _prompt = [.. Enumerable.Range(0, 512).Select(_ => rng.Next(Vocab))];
        _output = [.. Enumerable.Range(0, 128).Select(_ => rng.Next(Vocab))];
    }

    [Benchmark]
    public int Step()
    {
        _rows[_step++ % Rows].CopyTo(_logits, 0);
        return _sampler.Sample(_logits, _prompt, _output);
    }
}
