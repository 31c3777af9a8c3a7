"""Message classes for the csghub-errorx protos, loaded at run time from the
FileDescriptorSet the Rust crate exports (no protoc needed)."""

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory


class Protos:
    def __init__(self, descriptor_set_path):
        with open(descriptor_set_path, "rb") as f:
            files = descriptor_pb2.FileDescriptorSet.FromString(f.read())
        self.pool = descriptor_pool.DescriptorPool()
        for file in files.file:
            self.pool.Add(file)
        self.FailRequest = self._message("csghub.errorx.demo.v1.FailRequest")
        self.FailReply = self._message("csghub.errorx.demo.v1.FailReply")
        self.TypedErrorInfo = self._message("csghub.errorx.v1.ErrorInfo")

    def _message(self, name):
        return message_factory.GetMessageClass(self.pool.FindMessageTypeByName(name))
