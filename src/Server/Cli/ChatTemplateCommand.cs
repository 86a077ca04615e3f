using System.CommandLine;
using System.Globalization;
using Engine.ChatTemplates;

namespace Server.Cli;

/// <summary>
/// <c>engine chat-template --tokenizer DIR --input cases.jsonl</c>: renders each chat case with the folder's chat
/// template and prints one <c>{"rendered": ...}</c> line per case (feeding a fixture file reproduces its
/// <c>rendered</c> fields).
/// </summary>
public static class ChatTemplateCommand
{
    public static Command Create()
    {
        var tokenizer = new Option<DirectoryInfo>("--tokenizer") { Description = "Folder holding tokenizer_config.json (and optionally chat_template.jinja).", Required = true };
        var input = new Option<FileInfo>("--input") { Description = "JSON lines, each with messages, add_generation_prompt and extra variables.", Required = true };
        var template = new Option<string?>("--template") { Description = "Template name from the config (e.g. tool_use) or a path to a .jinja file." };
        var now = new Option<string?>("--now") { Description = "Fixed time for strftime_now, ISO 8601 (e.g. 2024-07-26); default: the current local time." };
        var command = new Command("chat-template", "Render chat cases with a tokenizer's Jinja chat template.") { tokenizer, input, template, now };
        command.SetAction(parse =>
        {
            var clock = parse.GetValue(now) is { } iso
                ? new FixedTimeProvider(DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal))
                : TimeProvider.System;
            var renderer = ChatTemplateRenderer.FromDirectory(parse.GetValue(tokenizer)!.FullName, clock: clock);
            var chosen = parse.GetValue(template);
            if (chosen is not null && File.Exists(chosen))
            {
                chosen = File.ReadAllText(chosen);
            }
            foreach (var line in File.ReadLines(parse.GetValue(input)!.FullName))
            {
                if (line.Trim().Length > 0)
                {
                    Console.Out.WriteLine(ChatCaseLine.Render(renderer, line, chosen));
                }
            }
            return 0;
        });
        return command;
    }

    private sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;

        public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;
    }
}
