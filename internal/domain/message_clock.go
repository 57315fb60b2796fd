package domain

// Messages of durations and the test clock.
const (
	MsgDurationFormat  Message = "invalid_duration"
	MsgDurationTooLong Message = "duration_too_long"
	MsgClockOneOf      Message = "test_clock_by_or_to"
	MsgMustBeDateTime  Message = "must_be_date_time"
	MsgClockBackwards  Message = "test_clock_backwards"
	MsgClockTooFar     Message = "test_clock_too_far"
	MsgClockBusy       Message = "test_clock_busy"
)

var clockTexts = map[Message]texts{
	MsgDurationFormat: {"must be an ISO 8601 duration longer than zero in whole units, such as P1M, P2W, PT36H or P1Y2M10DT2H30M15S",
		"должно быть длительностью ISO 8601 больше нуля в целых единицах, например P1M, P2W, PT36H или P1Y2M10DT2H30M15S"},
	MsgDurationTooLong: {"must be at most %d years", "должно быть не больше %d лет"},
	MsgClockOneOf:      {"must hold exactly one of by and to", "должно содержать ровно одно из полей by и to"},
	MsgMustBeDateTime: {"must be a date and time with an offset, such as 2027-01-01T00:00:00+00:00",
		"должно быть датой и временем со смещением, например 2027-01-01T00:00:00+00:00"},
	MsgClockBackwards: {"must not be before the test clock's time, %s: the test clock only moves forward",
		"не может быть раньше времени тестовых часов, %s: тестовые часы идут только вперёд"},
	MsgClockTooFar: {"must be at most %d years after the test clock's time",
		"должно быть не позже чем через %d лет после времени тестовых часов"},
	MsgClockBusy: {"The test clock is being advanced by another request; try again when it has finished",
		"Тестовые часы уже переводит другой запрос; повторите, когда он завершится"},
}
