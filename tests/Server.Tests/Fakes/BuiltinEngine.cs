using Server.Generation;
using Server.Hosting;

namespace Server.Tests.Fakes;

/// <summary>
/// The real engine on the built-in random-weight model with a one-line chat template: its unconstrained output is
/// gibberish, so output that fits a constraint proves the constraint reached the sampler.
/// </summary>
public static class BuiltinEngine
{
    public const string Model = EngineModelHost.BuiltinName;

    private static readonly Lazy<string> Template = new(() =>
    {
        var path = Path.Combine(Path.GetTempPath(), $"builtin-template-{Environment.ProcessId}.jinja");
        File.WriteAllText(path, "{% for m in messages %}<{{ m.role }}>{{ m.content }}\n{% endfor %}{% if add_generation_prompt %}<assistant>{% endif %}");
        return path;
    });

    public static EngineModelHost Load() =>
        EngineModelHost.Load(new EngineSettings(new Dictionary<string, string>(), MaxNumSeqs: 8, KvBlocks: null, ChatTemplatePath: Template.Value));
}
