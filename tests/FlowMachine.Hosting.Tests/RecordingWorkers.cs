using System.Diagnostics;
using System.Globalization;
using FlowMachine.BuiltIns;
using FlowMachine.Engine;
using FlowMachine.Registry;
using FlowMachine.Sqlite;
using FlowMachine.TestHost;

namespace FlowMachine.Hosting.Tests;

/// <summary>Flows of <c>record.Step</c> on a SQLite file, and worker processes that run them and record each execution.</summary>
internal static class RecordingWorkers
{
    /// <summary>Stores <paramref name="flows"/> flows of <paramref name="steps"/> record.Step steps (keys s0, s1, ...) and returns their ids.</summary>
    public static async Task<List<string>> StartFlowsAsync(string db, int flows, int steps, int ms)
    {
        await using var store = new SqliteFlowStore(new SqliteStoreOptions { Path = db });
        await store.InitializeAsync(default);
        await using var engine = new FlowEngine(store, new TaskRegistry().AddBuiltIns().Register<RecordTask>());
        var spec = "tasks: [" + string.Join(", ", Enumerable.Range(0, steps).Select(i => $"{{ key: s{i}, task_type: record.Step, task_params: {{ ms: {ms} }} }}")) + "]";
        var ids = new List<string>(flows);
        for (var i = 0; i < flows; i++)
        {
            ids.Add((await engine.StartAsync(new StartFlowRequest { SpecText = spec })).Flow.Id);
        }

        return ids;
    }

    /// <summary>Starts a FlowMachine.TestHost worker process that appends each execution to <paramref name="record"/>.</summary>
    public static Process Start(string db, string record, int concurrency, double leaseSeconds, string? spans = null)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "FlowMachine.TestHost.dll"));
        info.ArgumentList.Add(db);
        info.ArgumentList.Add(concurrency.ToString(CultureInfo.InvariantCulture));
        info.ArgumentList.Add(leaseSeconds.ToString(CultureInfo.InvariantCulture));
        info.Environment["FLOWMACHINE_RECORD"] = record;
        if (spans is not null)
        {
            info.Environment["FLOWMACHINE_SPANS"] = spans; // SpanLog
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the worker process");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>The recorded attempts of every (flow, step).</summary>
    public static Dictionary<(string Flow, string Step), List<int>> Read(string record) =>
        File.ReadAllLines(record)
            .Select(l => l.Split('/'))
            .GroupBy(p => (Flow: p[0], Step: p[1]), p => int.Parse(p[2], CultureInfo.InvariantCulture))
            .ToDictionary(g => g.Key, g => g.ToList());
}
