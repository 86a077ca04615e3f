using System.Text.Json;
using Engine.Model;
using Engine.Tests.Lora;
using Server.Cli;
using Server.Generation;
using Tests.Common;

namespace Server.Tests.Cli;

/// <summary><c>engine generate --lora</c> and <c>engine serve --lora</c>, run in-process on the built-in model.</summary>
public sealed class LoraCliTests : IDisposable
{
    private static readonly string[] AllTargets = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"];

    private readonly TempDirectory _dir = new();

    public LoraCliTests()
    {
        var c = BuiltinModel.Config;
        RandomLoraAdapter.Write(_dir.File("adapter"), c, rank: 4, alpha: 64, seed: 5, [.. Enumerable.Range(0, c.NumLayers)], AllTargets);
    }

    public void Dispose() => _dir.Dispose();

    private static async Task<(int Exit, string Stdout, string Stderr)> Generate(string? lora, float multiplier)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var options = new GenerateCommand.GenerateOptions(null, "Hello", MaxTokens: 10, Temperature: 0, Seed: 0, Threads: 1, Json: true, lora, multiplier);
        var exit = await GenerateCommand.RunAsync(options, stdout, stderr, CancellationToken.None);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private static int[] TokenIds(string json) =>
        [.. JsonDocument.Parse(json).RootElement.GetProperty("token_ids").EnumerateArray().Select(e => e.GetInt32())];

    [Fact]
    public async Task Generate_WithLora_FollowsTheMultiplier_AndMultiplierZeroIsTheBase()
    {
        var plain = await Generate(null, 1f);
        var half = await Generate(_dir.File("adapter"), 0.5f);
        var twice = await Generate(_dir.File("adapter"), 2f);
        var zero = await Generate(_dir.File("adapter"), 0f);

        Assert.All(new[] { plain, half, twice, zero }, r => Assert.Equal(0, r.Exit));
        Assert.NotEqual(TokenIds(plain.Stdout), TokenIds(half.Stdout));
        Assert.NotEqual(TokenIds(half.Stdout), TokenIds(twice.Stdout));
        Assert.Equal(TokenIds(plain.Stdout), TokenIds(zero.Stdout));
    }

    [Fact]
    public async Task Generate_Exits1NamingTheFile_WhenTheAdapterIsMissing()
    {
        var (exit, stdout, stderr) = await Generate(_dir.File("missing"), 1f);

        Assert.Equal(1, exit);
        Assert.Empty(stdout);
        Assert.Contains("missing", stderr, StringComparison.Ordinal);
        Assert.Contains("not found", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_Exits1_WhenAnAdapterDoesNotFitTheBase()
    {
        var c = BuiltinModel.Config;
        RandomLoraAdapter.Write(_dir.File("wide"), c with { Dim = c.Dim * 2 }, rank: 2, alpha: 2, seed: 1, [0], ["q_proj"]);
        // a good adapter would start the server: the timeout turns that into a failure (exit 0), not a hang
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var exit = await EngineCli.Build().Parse(["serve", "--port", "0", "--lora", $"wide={_dir.File("wide")}@{EngineModelHost.BuiltinName}"])
            .InvokeAsync(cancellationToken: timeout.Token);

        Assert.Equal(1, exit);
    }

    [Fact]
    public void ParseLoras_SplitsNameDirectoryAndBase_AtTheLastAt()
    {
        var loras = ServeCommand.ParseLoras(["tuned=/adapters/v@2=x@base", "other=/a@base"], ["base"]);

        Assert.Equal(("tuned", "/adapters/v@2=x", "base"), (loras[0].Name, loras[0].Directory, loras[0].BaseModel));
        Assert.Equal(("other", "/a", "base"), (loras[1].Name, loras[1].Directory, loras[1].BaseModel));
    }

    [Theory]
    [InlineData("tuned=/a")]          // no base
    [InlineData("=/a@base")]          // no name
    [InlineData("tuned=@base")]       // no directory
    [InlineData("tuned=/a@other")]    // base not served
    [InlineData("base=/a@base")]      // name taken by a model
    public void ParseLoras_Throws_WhenSpecIsMalformedOrClashes(string spec) =>
        Assert.Throws<FormatException>(() => ServeCommand.ParseLoras([spec], ["base"]));

    [Fact]
    public void ParseLoras_Throws_WhenALoraNameRepeats() =>
        Assert.Throws<FormatException>(() => ServeCommand.ParseLoras(["t=/a@base", "t=/b@base"], ["base"]));
}
