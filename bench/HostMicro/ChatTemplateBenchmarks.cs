using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Bench.ChatTemplates;
using Bench.Common;
using Engine.ChatTemplates;

namespace Bench.HostMicro;

/// <summary>
/// Rendering the qwen3 fixture's chat template (parse cached) for a conversation of N user turns with a tool call
/// every fourth turn, the <c>chat-template</c> suite's conversation (that suite runs Python's Jinja2 beside it).
/// </summary>
[MemoryDiagnoser]
public class ChatTemplateBenchmarks
{
    private ChatTemplateRenderer _renderer = null!;
    private JsonArray _messages = null!;

    [Params(4, 32)]
    public int Turns { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _renderer = ChatTemplateRenderer.FromDirectory(BenchArgs.Shared("fixtures", "tokenizers", "qwen3"));
        _messages = ChatTemplateBench.Conversation(Turns);
    }

    [Benchmark]
    public string Render() => _renderer.Render(_messages, addGenerationPrompt: true);
}
