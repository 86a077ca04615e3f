using System.Text.Json;
using System.Text.Json.Nodes;
using Engine.Tests.Model;
using Server.Cli;
using Tests.Common;

namespace Server.Tests.Cli;

/// <summary><c>engine generate</c>'s --ignore-eos and --threads, run in-process on aidreams260K.</summary>
public sealed class GenerateCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static async Task<(int Exit, JsonElement Json)> Generate(string model, bool ignoreEos, int threads = 1)
    {
        var stdout = new StringWriter();
        var options = new GenerateCommand.GenerateOptions(model, "Hello", MaxTokens: 8, Temperature: 0, Seed: 0, Threads: threads, Json: true) { IgnoreEos = ignoreEos };
        var exit = await GenerateCommand.RunAsync(options, stdout, new StringWriter(), CancellationToken.None);
        return (exit, exit == 0 ? JsonDocument.Parse(stdout.ToString()).RootElement.Clone() : default);
    }

    private static int[] TokenIds(JsonElement json) => [.. json.GetProperty("token_ids").EnumerateArray().Select(e => e.GetInt32())];

    // aidreams260K with its end-of-sequence id moved to the first token it generates greedily after "Hello"
    private string ModelStoppingAt(int eos)
    {
        var dir = _dir.File("eos-model");
        Directory.CreateDirectory(dir);
        foreach (var file in Directory.GetFiles(Aidreams260KModel.Directory))
        {
            File.Copy(file, Path.Combine(dir, Path.GetFileName(file)));
        }
        foreach (var name in new[] { "config.json", "generation_config.json" })
        {
            var path = Path.Combine(dir, name);
            var json = JsonNode.Parse(File.ReadAllText(path))!;
            json["eos_token_id"] = eos;
            File.WriteAllText(path, json.ToJsonString());
        }
        return dir;
    }

    [Fact]
    public async Task IgnoreEos_GeneratesPastTheEndOfSequenceToken_UpToMaxTokens()
    {
        var plain = await Generate(Aidreams260KModel.Directory, ignoreEos: false);
        Assert.Equal(0, plain.Exit);
        var greedy = TokenIds(plain.Json);
        Assert.Equal(8, greedy.Length);
        var model = ModelStoppingAt(greedy[0]);

        var stopped = await Generate(model, ignoreEos: false);
        var ignored = await Generate(model, ignoreEos: true);

        Assert.Equal("stop", stopped.Json.GetProperty("finish_reason").GetString());
        Assert.Equal([greedy[0]], TokenIds(stopped.Json));
        Assert.Equal("length", ignored.Json.GetProperty("finish_reason").GetString());
        Assert.Equal(greedy, TokenIds(ignored.Json));
    }

    [Fact]
    public async Task Threads_GiveTheSameTokens_OneThreadOrTwo()
    {
        var one = await Generate(Aidreams260KModel.Directory, ignoreEos: true, threads: 1);
        var two = await Generate(Aidreams260KModel.Directory, ignoreEos: true, threads: 2);

        Assert.Equal(TokenIds(one.Json), TokenIds(two.Json));
    }

    [Theory]
    [InlineData("generate", "--prompt", "Hello")]
    [InlineData("serve", "--port", "0")]
    public void Exits2_BeforeLoadingAnything_WhenThreadsIsNegative(params string[] command)
    {
        var root = new System.CommandLine.RootCommand { GenerateCommand.Create(), ServeCommand.Create() };

        Assert.Equal(2, root.Parse([.. command, "--threads", "-1"]).Invoke());
    }
}
