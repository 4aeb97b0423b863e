/** The call object of the recruiting guide's manual-save example (shared/seeds/000, section 4). */
export function seedCall(overrides: { callId?: string; candidateId?: string; agentId?: string; customAnalysis?: Record<string, unknown>; endTimestamp?: number } = {}) {
  const end = overrides.endTimestamp ?? 1704067800000;
  return {
    call_id: overrides.callId ?? 'call_abc123xyz789',
    ...(overrides.agentId ? { agent_id: overrides.agentId } : {}),
    call_status: 'ended',
    call_type: 'phone_call',
    recording_url: 'https://retell-recordings.s3.amazonaws.com/call_abc123xyz789.mp3',
    transcript: 'Agent: Hello, this is Emma from TechCorp...',
    transcript_object: [
      { role: 'agent', content: 'Hello, this is Emma from TechCorp. How are you today?', words: [] },
      { role: 'user', content: 'I am doing well, thank you.', words: [] },
    ],
    call_analysis: {
      call_summary:
        'Conducted phone screening for Senior Python Developer. Candidate is qualified with 5 years experience. Scheduled technical interview for Tuesday, October 8th at 3 PM EST.',
      user_sentiment: 'Positive',
      call_successful: true,
      in_voicemail: false,
      custom_analysis_data: overrides.customAnalysis ?? {
        interview_scheduled: true,
        scheduled_date: '2025-10-08',
        scheduled_time: '3:00 PM',
        scheduled_timezone: 'Eastern Time (ET)',
        scheduled_datetime_iso: '2025-10-08T15:00:00-04:00',
        candidate_timezone: 'Eastern Time',
        unavailable_dates: 'October 15-17 (vacation)',
        is_qualified_candidate: true,
        candidate_interest_level: 'High',
        years_of_experience: 5,
        salary_expectation: 120000,
        technical_skills_mentioned: ['Python', 'Django', 'AWS', 'Docker'],
        questions_asked: ['What is the team size?', 'Is remote work supported?'],
        outcome: 'Interview Scheduled',
      },
    },
    duration_ms: 600000,
    start_timestamp: end - 600000,
    end_timestamp: end,
    metadata: { candidate_id: overrides.candidateId ?? '199', job_id: '45', recruiter: 'Emma Johnson' },
    public_log_url: 'https://logs.retellai.com/call/abc123xyz789',
  };
}
