-- A Kafka message is answered once: taken in again after a crash (its offset not yet committed), its rejection is
-- already stored and already on the outbox, so it is not stored or answered a second time. Earlier repeats of one
-- message's rejection are the same record twice; the first is kept.
delete from batch_rejection a using batch_rejection b
where a.kafka_topic = b.kafka_topic and a.kafka_partition = b.kafka_partition and a.kafka_offset = b.kafka_offset
  and a.id > b.id;
create unique index batch_rejection_source on batch_rejection (kafka_topic, kafka_partition, kafka_offset)
    where kafka_topic is not null;
