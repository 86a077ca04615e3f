using System.Text;
using BenchmarkDotNet.Attributes;
using Bench.Common;
using Bench.Guided;
using Engine.Guided;
using Engine.Sampling;

namespace Bench.HostMicro;

/// <summary>
/// One decoding step's guided mask (<see cref="GuidedSequence.ApplyMask"/> on a llama3 logit row, 128k tokens) at
/// three states of the <c>guided</c> suite's targets: "object start" (json_object, nothing generated), "object string"
/// (json_object 24 bytes in, inside the first string value: nearly every token alive, the whole-trie walk) and
/// "schema key" (the guided suite's schema 10 bytes in, inside the first key). The row is cleared before each mask.
/// </summary>
[MemoryDiagnoser]
public class GuidedMaskBenchmarks
{
    private GuidedSequence _sequence = null!;
    private float[] _logits = null!;

    public static IEnumerable<string> States => ["object start", "object string", "schema key"];

    [ParamsSource(nameof(States))]
    public string State { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var vocab = GuidedVocabulary.For(GuidedBench.Load(BenchArgs.Shared(), "llama3"));
        var (parameters, target, prefix) = State switch
        {
            "object start" => (new SamplingParams { ResponseFormat = """{"type":"json_object"}""" }, GuidedBench.ObjectText, 0),
            "object string" => (new SamplingParams { ResponseFormat = """{"type":"json_object"}""" }, GuidedBench.ObjectText, 24),
            _ => (new SamplingParams { GuidedJson = GuidedBench.Schema }, GuidedBench.SchemaText, 10),
        };
        _sequence = new GuidedSequence(GuidedConstraint.Compile(parameters)!, vocab, [-1]);
        _logits = new float[vocab.Size];
        // walk the target's first bytes the way the guided suite does: the longest allowed token each step
        var remaining = Encoding.UTF8.GetBytes(target).AsSpan();
        var consumed = 0;
        while (consumed < prefix)
        {
            Array.Clear(_logits);
            _sequence.ApplyMask(_logits);
            var token = GuidedBench.LongestAllowed(vocab, _logits, remaining[consumed..]);
            if (token < 0)
            {
                throw new InvalidOperationException($"{State}: no allowed token continues the target after {consumed} bytes.");
            }
            _sequence.Accept(token);
            consumed += vocab.BytesOf(token).Length;
        }
    }

    [Benchmark]
    public float[] Mask()
    {
        Array.Clear(_logits);
        _sequence.ApplyMask(_logits);
        return _logits;
    }
}
