package tcpecho

import "sockspec/helpers/grade"

var listens = grade.Listens(readyWithin)
