using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

public sealed class ProviderCircuitBreakerTests
{
    private static readonly Exception s_failure = new HttpRequestException("500");

    private FakeTimeProvider _time = null!;

    [SetUp]
    public void StartClock() => _time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero));

    private ProviderCircuitBreaker Breaker(int minimumThroughput = 3) => new("openai", minimumThroughput, TimeSpan.FromSeconds(30), _time);

    private ProviderCircuitBreaker OpenedBreaker()
    {
        ProviderCircuitBreaker breaker = Breaker();
        for (int i = 0; i < 3; i++)
        {
            Call(breaker, fails: true);
        }

        Assert.That(breaker.State, Is.EqualTo(CircuitState.Open));
        return breaker;
    }

    private static void Call(ProviderCircuitBreaker breaker, bool fails) => breaker.Report(breaker.Enter(), fails ? s_failure : null, canceled: false);

    [Test]
    public void Opens_when_half_the_calls_fail_and_there_were_enough_of_them()
    {
        ProviderCircuitBreaker breaker = Breaker();
        Call(breaker, fails: false);
        Call(breaker, fails: true);
        Assert.That(breaker.State, Is.EqualTo(CircuitState.Closed), "two calls are under the minimum of three");

        Call(breaker, fails: true);
        Assert.That(breaker.State, Is.EqualTo(CircuitState.Open), "2 failures of 3 calls is over half");
        Assert.That(breaker.UnavailableReason, Does.Contain("circuit open").And.Contain("2026-11-25 08:00:30Z"));
        ProviderUnavailableException refused = Assert.Throws<ProviderUnavailableException>(() => breaker.Enter())!;
        Assert.That(refused.Message, Does.Contain("circuit open"));
    }

    [Test]
    public void An_open_circuit_says_when_it_takes_a_call_again()
    {
        ProviderCircuitBreaker breaker = OpenedBreaker();
        _time.Advance(TimeSpan.FromSeconds(12));

        ProviderUnavailableException refused = Assert.Throws<ProviderUnavailableException>(() => breaker.Enter())!;

        Assert.That(refused.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(18)), "30 s break, 12 s of it over");
    }

    [Test]
    public void Stays_closed_while_most_calls_succeed()
    {
        ProviderCircuitBreaker breaker = Breaker();
        for (int i = 0; i < 100; i++)
        {
            Call(breaker, fails: i % 3 == 2);
        }

        Assert.That(breaker.State, Is.EqualTo(CircuitState.Closed), "a third failing is under the ratio");
        Assert.That(breaker.UnavailableReason, Is.Null);
    }

    [Test]
    public void Failures_older_than_the_sampling_window_are_forgotten()
    {
        ProviderCircuitBreaker breaker = Breaker();
        Call(breaker, fails: true);
        Call(breaker, fails: true);
        _time.Advance(TimeSpan.FromSeconds(31));
        Call(breaker, fails: true);
        Assert.That(breaker.State, Is.EqualTo(CircuitState.Closed), "only one failure is within the last 30 s");

        _time.Advance(TimeSpan.FromSeconds(10));
        Call(breaker, fails: true);
        Call(breaker, fails: true);
        Assert.That(breaker.State, Is.EqualTo(CircuitState.Open), "three failures within 30 s");
    }

    [Test]
    public void After_the_break_one_trial_call_goes_through_and_closes_the_circuit_on_success()
    {
        ProviderCircuitBreaker breaker = OpenedBreaker();

        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.That(breaker.UnavailableReason, Is.Null, "once the break is over the provider is planned again");

        ProviderCircuitBreaker.Ticket trial = breaker.Enter();
        Assert.That(trial.Trial, Is.True);
        Assert.That(breaker.State, Is.EqualTo(CircuitState.HalfOpen));
        ProviderUnavailableException second = Assert.Throws<ProviderUnavailableException>(() => breaker.Enter())!;
        Assert.That(second.Message, Does.Contain("half-open"), "a second call does not join the trial");

        breaker.Report(trial, null, canceled: false);
        Assert.That(breaker.State, Is.EqualTo(CircuitState.Closed));
        Assert.That(breaker.Enter().Trial, Is.False);
    }

    [Test]
    public void A_failed_trial_opens_the_circuit_for_another_break()
    {
        ProviderCircuitBreaker breaker = OpenedBreaker();

        _time.Advance(TimeSpan.FromSeconds(31));
        breaker.Report(breaker.Enter(), new TimeoutException(), canceled: false);

        Assert.That(breaker.State, Is.EqualTo(CircuitState.Open));
        Assert.That(breaker.UnavailableReason, Does.Contain("08:01:01Z"), "a full break from the trial's failure");
    }

    [Test]
    public void A_cancelled_trial_hands_the_trial_to_the_next_call()
    {
        ProviderCircuitBreaker breaker = OpenedBreaker();

        _time.Advance(TimeSpan.FromSeconds(31));
        breaker.Report(breaker.Enter(), null, canceled: true);

        Assert.That(breaker.UnavailableReason, Is.Null, "a cancelled trial says nothing about the provider");
        Assert.That(breaker.Enter().Trial, Is.True, "the next call is the trial");
    }

    [Test]
    public void Cancelled_calls_count_neither_way()
    {
        ProviderCircuitBreaker breaker = Breaker();
        Call(breaker, fails: true);
        Call(breaker, fails: true);
        for (int i = 0; i < 10; i++)
        {
            breaker.Report(breaker.Enter(), null, canceled: true);
        }

        Call(breaker, fails: true);
        Assert.That(breaker.State, Is.EqualTo(CircuitState.Open), "the cancelled calls did not dilute the failures");
    }

    [Test]
    public void Outcomes_of_calls_that_started_before_the_circuit_opened_do_not_count_after_it_closed()
    {
        ProviderCircuitBreaker breaker = Breaker();
        ProviderCircuitBreaker.Ticket[] hanging = [breaker.Enter(), breaker.Enter(), breaker.Enter()];
        for (int i = 0; i < 3; i++)
        {
            Call(breaker, fails: true);
        }

        _time.Advance(TimeSpan.FromSeconds(31));
        breaker.Report(breaker.Enter(), null, canceled: false);
        Assert.That(breaker.State, Is.EqualTo(CircuitState.Closed), "the trial succeeded");

        // The calls that hung while the provider failed time out now, after it recovered.
        foreach (ProviderCircuitBreaker.Ticket ticket in hanging)
        {
            breaker.Report(ticket, new TimeoutException(), canceled: false);
        }

        Assert.That(breaker.State, Is.EqualTo(CircuitState.Closed), "their failures belong to the window before the break");
        Call(breaker, fails: true);
        Call(breaker, fails: true);
        Assert.That(breaker.State, Is.EqualTo(CircuitState.Closed), "two new failures are under the minimum of three");
    }

    [Test]
    public void A_trial_that_never_reports_is_given_up_after_the_trial_limit()
    {
        ProviderCircuitBreaker breaker = new("ollama", 3, TimeSpan.FromSeconds(30), _time, trialLimit: TimeSpan.FromMinutes(5));
        for (int i = 0; i < 3; i++)
        {
            Call(breaker, fails: true);
        }

        _time.Advance(TimeSpan.FromSeconds(30));
        ProviderCircuitBreaker.Ticket abandoned = breaker.Enter();
        _time.Advance(TimeSpan.FromMinutes(4));
        Assert.Throws<ProviderUnavailableException>(() => breaker.Enter(), "the trial may still be running");

        _time.Advance(TimeSpan.FromMinutes(1));
        ProviderCircuitBreaker.Ticket next = breaker.Enter();
        Assert.That(next.Trial, Is.True, "the next call takes over the trial");

        breaker.Report(abandoned, new TimeoutException(), canceled: false);
        Assert.That(breaker.State, Is.EqualTo(CircuitState.HalfOpen), "the abandoned trial's late failure is ignored");
        breaker.Report(next, null, canceled: false);
        Assert.That(breaker.State, Is.EqualTo(CircuitState.Closed));
    }

    [Test]
    public void Concurrent_reports_are_all_counted()
    {
        ProviderCircuitBreaker breaker = Breaker(minimumThroughput: 40_001);
        Parallel.For(0, 40_000, i => Call(breaker, fails: i % 2 == 0));
        Assert.That(breaker.State, Is.EqualTo(CircuitState.Closed), "40,000 calls are under the minimum");

        Call(breaker, fails: true);
        Assert.That(breaker.State, Is.EqualTo(CircuitState.Open), "the 40,001st call reaches the minimum only if no report was lost");
    }
}
