"""The child's and practitioner's side: the pages they answer on (views), their path through a
survey (journey), drafts, Send (submission), personal codes across waves (linking), and the
respondent's cookies."""
